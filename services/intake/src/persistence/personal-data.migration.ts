import { MigrationInterface } from 'typeorm';
import { qualified, sqlMigration } from '@support/event-store';

/**
 * Crypto-shredding: one data key per customer, kept apart from the events it seals. Erasing a customer
 * destroys the key (the row stays, keyless, so nothing seals with a new key for them) and scrubs
 * the customer directory, a read model.
 */
export function intakePersonalDataMigration(schema: string): new () => MigrationInterface {
  const keys = qualified(schema, 'customer_keys');
  const customers = qualified(schema, 'customer_directory');
  return sqlMigration(
    'IntakePersonalData1763900002000',
    [
      `
          CREATE TABLE ${keys} (
            customer_id uuid PRIMARY KEY,
            data_key bytea,
            created_at timestamptz NOT NULL,
            destroyed_at timestamptz,
            CHECK ((data_key IS NULL) = (destroyed_at IS NOT NULL)),
            CHECK (data_key IS NULL OR octet_length(data_key) = 32)
          )`,
      `ALTER TABLE ${customers} ADD COLUMN erased_at timestamptz`,
    ],
    [`ALTER TABLE ${customers} DROP COLUMN erased_at`, `DROP TABLE ${keys}`],
  );
}
