import { qualified } from '@support/event-store';
import { SUBJECT_KEYS_TABLE } from './subject-keys.repository';

/**
 * The statements that create the subject keys table in a schema: one wrapped data key per subject, kept
 * apart from the events it seals. A destroyed key leaves its row, keyless, so nothing seals for the subject
 * again. `data_key` holds a key an earlier version stored clear, until it is wrapped.
 */
export function createSubjectKeysTable(schema: string): string {
  return `
    CREATE TABLE ${qualified(schema, SUBJECT_KEYS_TABLE)} (
      subject_id uuid PRIMARY KEY,
      wrapped_key bytea,
      kek_id text,
      data_key bytea,
      created_at timestamptz NOT NULL,
      destroyed_at timestamptz,
      CHECK ((wrapped_key IS NULL) = (kek_id IS NULL)),
      CHECK (wrapped_key IS NULL OR data_key IS NULL),
      CHECK ((wrapped_key IS NULL AND data_key IS NULL) = (destroyed_at IS NOT NULL)),
      CHECK (data_key IS NULL OR octet_length(data_key) = 32)
    )`;
}
