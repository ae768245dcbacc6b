import { MigrationInterface } from 'typeorm';
import { GENESIS_HASH } from './hash-chain';
import { qualified } from './sql-names';
import { sqlMigration } from './sql-migration';

export function appendFunctionMigration(schema: string): new () => MigrationInterface {
  const events = qualified(schema, 'events');
  return sqlMigration(
    'AppendFunction1798000000000',
    [appendFunction(schema, knownIdsBySemiJoin(events))],
    [`DROP FUNCTION ${qualified(schema, 'append_events')}(text[], jsonb, jsonb)`],
  );
}

/**
 * The known-id lookup probes the id index once per event, whatever the table's size. The first version's
 * semi-join was planned once per session, on the table as it was then: a service that started on an empty
 * table kept scanning all of it, and its appends slowed down as the table grew (17 ms per 100-event append
 * at 40,000 events, instead of 6).
 */
export function appendKnownIdsByIndexMigration(schema: string): new () => MigrationInterface {
  const events = qualified(schema, 'events');
  return sqlMigration('AppendKnownIdsByIndex1799100000000', [appendFunction(schema, knownIdsByIndex(events))], [appendFunction(schema, knownIdsBySemiJoin(events))]);
}

function knownIdsBySemiJoin(events: string): string {
  return `FROM ${events} e WHERE e.event_id IN (SELECT (x->>'id')::uuid FROM jsonb_array_elements(p_events) x)`;
}

// LIMIT 1 keeps the planner from turning the lateral probe into a join it may plan as a scan of the table
export function knownIdsByIndex(events: string): string {
  return `FROM jsonb_array_elements(p_events) x CROSS JOIN LATERAL (SELECT * FROM ${events} k WHERE k.event_id = (x->>'id')::uuid LIMIT 1) e`;
}

/** what every version of the append function answers with, one row per event */
export const APPEND_ROWS = `RETURNS TABLE (outcome text, global_position bigint, transaction_id xid8, event_id uuid, stream_id text,
                        stream_type text, version integer, type text, data jsonb, metadata jsonb,
                        occurred_at timestamptz, prev_hash char(64), hash char(64), hash_scheme smallint)
         LANGUAGE plpgsql VOLATILE AS $fn$
       #variable_conflict use_column`;

/** every version inserts the events of `p_events` in their order, at `order_key` */
export function insertEvents(events: string): string {
  return `INSERT INTO ${events} AS e (transaction_id, event_id, stream_id, stream_type, version, type, data, metadata, occurred_at, prev_hash, hash, hash_scheme)
           SELECT order_key, (x.doc->>'id')::uuid, x.doc->>'stream_id', x.doc->>'stream_type', (x.doc->>'version')::integer, x.doc->>'type',
                  x.doc->'data', x.doc->'metadata', (x.doc->>'occurred_at')::timestamptz, x.doc->>'prev_hash', x.doc->>'hash', (x.doc->>'hash_scheme')::smallint
             FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x(doc, n)
            ORDER BY x.n`;
}

/** every version locks the streams first, keys sorted by the caller */
export const LOCK_STREAMS = `PERFORM count(pg_advisory_xact_lock(hashtextextended(k, 0))) FROM unnest(p_lock_keys) WITH ORDINALITY AS t(k, n);`;

/**
 * The append as one function, so that it costs one round trip and needs nothing of its caller's
 * transaction but that it is one: it locks the streams (keys sorted by the caller, so two appends never
 * deadlock), answers with the stored events when the ids are known already, checks every stream's head
 * against what the caller decided on, and inserts.
 *
 * Reading order: `transaction_id` is the appending transaction's id, or the stream head's when that is
 * later (a transaction that wrote something else before it appended got its id before the head's writer
 * committed). So a stream's events are always in (transaction_id, global_position) order, and a row is
 * still never written with a key below its own transaction's id, which keeps the gap-safe reading
 * (`transaction_id < pg_snapshot_xmin(...)`) from skipping it.
 */
export function appendFunction(schema: string, knownIds: string): string {
  const events = qualified(schema, 'events');
  const append = qualified(schema, 'append_events');
  return `CREATE OR REPLACE FUNCTION ${append}(p_lock_keys text[], p_heads jsonb, p_events jsonb)
         ${APPEND_ROWS}
       DECLARE
         order_key xid8;
       BEGIN
         ${LOCK_STREAMS}

         RETURN QUERY SELECT 'stored'::text, e.global_position, e.transaction_id, e.event_id, e.stream_id, e.stream_type, e.version,
                             e.type, e.data, e.metadata, e.occurred_at, e.prev_hash, e.hash, e.hash_scheme
           ${knownIds};
         IF FOUND THEN RETURN; END IF;

         -- each statement of a volatile function sees what committed before it: the heads as of after the locks
         RETURN QUERY SELECT 'conflict'::text, NULL::bigint, NULL::xid8, NULL::uuid, h.stream_id, NULL::text,
                             coalesce(cur.version, 0), NULL::text, NULL::jsonb, NULL::jsonb, NULL::timestamptz, NULL::char(64), NULL::char(64), NULL::smallint
           FROM jsonb_to_recordset(p_heads) AS h(stream_id text, version integer, hash text)
           LEFT JOIN LATERAL (SELECT e.version, e.hash FROM ${events} e WHERE e.stream_id = h.stream_id ORDER BY e.version DESC LIMIT 1) cur ON true
          WHERE coalesce(cur.version, 0) <> h.version OR coalesce(cur.hash, '${GENESIS_HASH}') <> h.hash
          LIMIT 1;
         IF FOUND THEN RETURN; END IF;

         SELECT greatest(pg_current_xact_id(), max(cur.transaction_id)) INTO order_key
           FROM jsonb_to_recordset(p_heads) AS h(stream_id text)
           LEFT JOIN LATERAL (SELECT e.transaction_id FROM ${events} e WHERE e.stream_id = h.stream_id ORDER BY e.version DESC LIMIT 1) cur ON true;

         RETURN QUERY WITH written AS (
           ${insertEvents(events)}
           RETURNING e.global_position, e.transaction_id, e.event_id, e.stream_id, e.stream_type, e.version, e.type, e.data, e.metadata,
                     e.occurred_at, e.prev_hash, e.hash, e.hash_scheme)
         SELECT 'appended'::text, w.* FROM written w ORDER BY w.global_position;
       END $fn$`;
}
