import { MigrationInterface } from 'typeorm';
import { qualified, sqlMigration } from '@support/event-store';
import { KEYRING_SCHEMA, SUBJECT_KEYS_TABLE } from '@support/personal-data';

/**
 * The customers' data keys move from intake's own table to the keyring (libs/personal-data), the one place
 * every service reaches them, where they are stored wrapped with the key-encryption key. The keys copied
 * here are clear until intake's start wraps them (SubjectKeys.wrapClearKeys: SQL cannot, the
 * key-encryption key is not in the database). The keyring is migrated before any service schema.
 */
export function intakeSubjectKeysMigration(schema: string): new () => MigrationInterface {
  const keys = qualified(KEYRING_SCHEMA, SUBJECT_KEYS_TABLE);
  const legacy = qualified(schema, 'customer_keys');
  return sqlMigration(
    'IntakeSubjectKeys1799000000000',
    [
      `INSERT INTO ${keys} (subject_id, data_key, created_at, destroyed_at) SELECT customer_id, data_key, created_at, destroyed_at FROM ${legacy} ON CONFLICT (subject_id) DO NOTHING`,
      `DROP TABLE ${legacy}`,
    ],
    // the keyring holds every service's keys, and wrapped ones cannot go back to a clear table
    [`DO $$ BEGIN RAISE EXCEPTION 'customer keys live in the keyring now: restore intake from a backup to go back'; END $$`],
  );
}
