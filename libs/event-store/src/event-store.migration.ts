import { MigrationInterface } from 'typeorm';
import { qualified } from './sql-names';
import { sqlMigration } from './sql-migration';

/**
 * The event table of one service's schema. Append-only is enforced by triggers, so neither a bug nor
 * a hand-written UPDATE can rewrite history; `transaction_id` gives the gap-safe global reading order
 * (set by the append function: see append-function.migration.ts).
 */
export function eventStoreMigration(schema: string): new () => MigrationInterface {
  const events = qualified(schema, 'events');
  const refuse = qualified(schema, 'refuse_event_change');
  return sqlMigration(
    'EventStore1763900000000',
    [
      `CREATE TABLE ${events} (
         global_position bigserial PRIMARY KEY,
         transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
         event_id uuid NOT NULL UNIQUE,
         stream_id text NOT NULL,
         stream_type text NOT NULL,
         version integer NOT NULL CHECK (version > 0),
         type text NOT NULL,
         data jsonb NOT NULL,
         metadata jsonb NOT NULL,
         occurred_at timestamptz NOT NULL,
         recorded_at timestamptz NOT NULL DEFAULT now(),
         prev_hash char(64) NOT NULL,
         hash char(64) NOT NULL,
         UNIQUE (stream_id, version)
       )`,
      `CREATE INDEX ON ${events} (transaction_id, global_position)`,
      `CREATE INDEX ON ${events} (stream_type, stream_id)`,
      `CREATE FUNCTION ${refuse}() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION 'events are append-only: % on % refused', TG_OP, TG_TABLE_NAME
           USING ERRCODE = 'restrict_violation';
       END $$`,
      `CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON ${events} FOR EACH ROW EXECUTE FUNCTION ${refuse}()`,
      `CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON ${events} FOR EACH STATEMENT EXECUTE FUNCTION ${refuse}()`,
    ],
    // history is never dropped by a migration rollback
    [`DO $$ BEGIN RAISE EXCEPTION 'refusing to drop ${events.replace(/"/g, '')}: the event store is append-only'; END $$`],
  );
}
