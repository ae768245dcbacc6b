import { MigrationInterface } from 'typeorm';
import { idempotencyMigrations } from '@support/command-handling';
import { eventStoreMigrations, qualified, sqlMigration } from '@support/event-store';

/** Outbox (written with the events), relay checkpoint, and consumer inbox of one service's schema. */
export function messagingMigration(schema: string): new () => MigrationInterface {
  const outbox = qualified(schema, 'outbox');
  const checkpoints = qualified(schema, 'relay_checkpoints');
  const inbox = qualified(schema, 'inbox');
  return sqlMigration(
    'Messaging1763900000100',
    [
      `CREATE TABLE ${outbox} (
         position bigserial PRIMARY KEY,
         transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
         event_id uuid NOT NULL,
         topic text NOT NULL,
         message_key text NOT NULL,
         headers jsonb NOT NULL,
         payload jsonb NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now()
       )`,
      `CREATE INDEX ON ${outbox} (transaction_id, position)`,
      `CREATE TABLE ${checkpoints} (
         relay text PRIMARY KEY,
         transaction_id xid8 NOT NULL,
         position bigint NOT NULL,
         updated_at timestamptz NOT NULL DEFAULT now()
       )`,
      `CREATE TABLE ${inbox} (
         consumer_group text NOT NULL,
         event_id uuid NOT NULL,
         topic text NOT NULL,
         handled_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (consumer_group, event_id)
       )`,
    ],
    [`DROP TABLE ${inbox}, ${checkpoints}, ${outbox}`],
  );
}

/** Every table the shared mechanisms need in a service's schema: events, idempotency keys, outbox, inbox. */
export function platformMigrations(schema: string): Array<new () => MigrationInterface> {
  return [...eventStoreMigrations(schema), ...idempotencyMigrations(schema), messagingMigration(schema)];
}
