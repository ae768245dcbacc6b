import { MigrationInterface } from 'typeorm';
import { qualified, sqlMigration } from '@support/event-store';

/** The idempotency key table, then keys per caller with an expiry. */
export function idempotencyMigrations(schema: string): Array<new () => MigrationInterface> {
  return [idempotencyKeysMigration(schema), keysPerCallerMigration(schema)];
}

function idempotencyKeysMigration(schema: string): new () => MigrationInterface {
  const table = qualified(schema, 'idempotency_keys');
  return sqlMigration(
    'IdempotencyKeys1763900000050',
    [
      `CREATE TABLE ${table} (
         scope text NOT NULL,
         key text NOT NULL,
         request_hash char(64) NOT NULL,
         status integer NOT NULL,
         body jsonb NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (scope, key)
       )`,
    ],
    [`DROP TABLE ${table}`],
  );
}

/**
 * A key is its caller's (`caller`, the token's `sub`) and lives until `expires_at`. Keys stored before
 * have no caller: no request finds them, and they expire a day after they were made.
 */
function keysPerCallerMigration(schema: string): new () => MigrationInterface {
  const table = qualified(schema, 'idempotency_keys');
  return sqlMigration(
    'IdempotencyKeysPerCaller1797000000300',
    [
      `ALTER TABLE ${table} ADD COLUMN caller text NOT NULL DEFAULT '', ADD COLUMN expires_at timestamptz`,
      `UPDATE ${table} SET expires_at = created_at + interval '24 hours'`,
      `ALTER TABLE ${table} ALTER COLUMN caller DROP DEFAULT, ALTER COLUMN expires_at SET NOT NULL`,
      `ALTER TABLE ${table} DROP CONSTRAINT idempotency_keys_pkey, ADD PRIMARY KEY (scope, caller, key)`,
      `CREATE INDEX ON ${table} (expires_at)`,
    ],
    [
      `DELETE FROM ${table} WHERE caller <> ''`,
      `ALTER TABLE ${table} DROP CONSTRAINT idempotency_keys_pkey, ADD PRIMARY KEY (scope, key), DROP COLUMN caller, DROP COLUMN expires_at`,
    ],
  );
}
