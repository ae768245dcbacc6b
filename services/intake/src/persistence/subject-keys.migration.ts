import { MigrationInterface } from 'typeorm';
import { qualified, sqlMigration } from '@support/event-store';
import { createSubjectKeysTable, SUBJECT_KEYS_TABLE } from '@support/personal-data';

/**
 * The customers' data keys move to the personal-data lib's subject keys table, where they are stored wrapped
 * with the key-encryption key. The keys copied here are clear until intake's start wraps them
 * (SubjectKeys.wrapClearKeys: SQL cannot, the key-encryption key is not in the database).
 */
export function intakeSubjectKeysMigration(schema: string): new () => MigrationInterface {
  const keys = qualified(schema, SUBJECT_KEYS_TABLE);
  const legacy = qualified(schema, 'customer_keys');
  return sqlMigration(
    'IntakeSubjectKeys1799000000000',
    [
      createSubjectKeysTable(schema),
      `INSERT INTO ${keys} (subject_id, data_key, created_at, destroyed_at) SELECT customer_id, data_key, created_at, destroyed_at FROM ${legacy}`,
      `DROP TABLE ${legacy}`,
    ],
    [
      // a wrapped key cannot go back to the clear table: the key-encryption key is not in the database
      `DO $$ BEGIN IF EXISTS (SELECT 1 FROM ${keys} WHERE wrapped_key IS NOT NULL) THEN RAISE EXCEPTION 'wrapped data keys cannot be moved back to customer_keys'; END IF; END $$`,
      `CREATE TABLE ${legacy} (
         customer_id uuid PRIMARY KEY, data_key bytea, created_at timestamptz NOT NULL, destroyed_at timestamptz,
         CHECK ((data_key IS NULL) = (destroyed_at IS NOT NULL)), CHECK (data_key IS NULL OR octet_length(data_key) = 32))`,
      `INSERT INTO ${legacy} SELECT subject_id, data_key, created_at, destroyed_at FROM ${keys}`,
      `DROP TABLE ${keys}`,
    ],
  );
}
