import { MigrationInterface } from 'typeorm';
import { APPEND_ROWS, appendFunction, insertEvents, knownIdsByIndex, LOCK_STREAMS } from './append-function.migration';
import { GENESIS_HASH } from './hash-chain';
import { qualified } from './sql-names';
import { sqlMigration } from './sql-migration';

/** The outbox table's name in a schema: the append writes the events' messages to it (see below). */
export function outboxTable(schema: string): string {
  return qualified(schema, 'outbox');
}

/**
 * The append and its outbox rows in one call (one round trip where there were two), and fewer statements
 * per call: one look at the heads gives both the check and the reading order, the known ids are looked up
 * only where they can be found, and appended rows answer with what the database assigned only. No NOTIFY
 * in the appending transaction: PostgreSQL holds one lock across every notifying commit, its WAL flush
 * included, so notifying appends committed one at a time (the outbox's wake-up notifies after commit).
 */
export function appendInOneCallMigration(schema: string): new () => MigrationInterface {
  const append = qualified(schema, 'append_events');
  return sqlMigration(
    'AppendInOneCall1799200000000',
    [`DROP FUNCTION ${append}(text[], jsonb, jsonb)`, appendInOneCall(schema)],
    [`DROP FUNCTION ${append}(text[], jsonb, jsonb, boolean)`, appendFunction(schema, knownIdsByIndex(qualified(schema, 'events')))],
  );
}

/**
 * `p_events` as before, each event with an `outbox` member ({ topic, headers }) when it goes to Kafka: its
 * outbox row takes the event's stream id as key and its data as payload. `p_check_known`: look for stored ids even when every head is as stated (a
 * caller that read the heads itself, for an append without a version check, may be retrying an append
 * whose events are stored already). Otherwise stored ids are looked for only when a head has moved on,
 * which a retried append's head always has.
 *
 * Reading order, locks and outcomes are the first version's (append-function.migration.ts).
 */
function appendInOneCall(schema: string): string {
  const events = qualified(schema, 'events');
  const append = qualified(schema, 'append_events');
  return `CREATE FUNCTION ${append}(p_lock_keys text[], p_heads jsonb, p_events jsonb, p_check_known boolean)
         ${APPEND_ROWS}
       DECLARE
         order_key xid8;
         moved_stream text;
         moved_version integer;
       BEGIN
         ${LOCK_STREAMS}

         -- each statement of a volatile function sees what committed before it: the heads as of after the locks
         SELECT (array_agg(h.stream_id) FILTER (WHERE h.moved))[1], (array_agg(h.current_version) FILTER (WHERE h.moved))[1], max(h.head_transaction)
           INTO moved_stream, moved_version, order_key
           FROM (SELECT s.stream_id, coalesce(cur.version, 0) AS current_version, cur.transaction_id AS head_transaction,
                        coalesce(cur.version, 0) <> s.version OR coalesce(cur.hash, '${GENESIS_HASH}') <> s.hash AS moved
                   FROM jsonb_to_recordset(p_heads) AS s(stream_id text, version integer, hash text)
                   LEFT JOIN LATERAL (SELECT e.version, e.hash, e.transaction_id FROM ${events} e
                                       WHERE e.stream_id = s.stream_id ORDER BY e.version DESC LIMIT 1) cur ON true) h;

         IF moved_stream IS NOT NULL OR p_check_known THEN
           RETURN QUERY SELECT 'stored'::text, e.global_position, e.transaction_id, e.event_id, e.stream_id, e.stream_type, e.version,
                               e.type, e.data, e.metadata, e.occurred_at, e.prev_hash, e.hash, e.hash_scheme
             ${knownIdsByIndex(events)};
           IF FOUND THEN RETURN; END IF;
         END IF;
         IF moved_stream IS NOT NULL THEN
           RETURN QUERY SELECT 'conflict'::text, NULL::bigint, NULL::xid8, NULL::uuid, moved_stream, NULL::text, moved_version,
                               NULL::text, NULL::jsonb, NULL::jsonb, NULL::timestamptz, NULL::char(64), NULL::char(64), NULL::smallint;
           RETURN;
         END IF;

         order_key := greatest(pg_current_xact_id(), order_key);
         RETURN QUERY WITH written AS (
           ${insertEvents(events)}
           RETURNING e.global_position, e.event_id)
         SELECT 'appended'::text, w.global_position, order_key, w.event_id, NULL::text, NULL::text, NULL::integer, NULL::text,
                NULL::jsonb, NULL::jsonb, NULL::timestamptz, NULL::char(64), NULL::char(64), NULL::smallint
           FROM written w ORDER BY w.global_position;

         -- in event order, so the relay sends a stream's events in stream order (a schema without an outbox has no messages)
         IF p_events @? '$[*].outbox' THEN
           INSERT INTO ${outboxTable(schema)} (transaction_id, event_id, topic, message_key, headers, payload)
           SELECT order_key, (x.doc->>'id')::uuid, x.doc->'outbox'->>'topic', x.doc->>'stream_id', x.doc->'outbox'->'headers', x.doc->'data'
             FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x(doc, n)
            WHERE x.doc ? 'outbox'
            ORDER BY x.n;
         END IF;
       END $fn$`;
}
