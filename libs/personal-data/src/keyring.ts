import { Client } from 'pg';
import { MigrationInterface } from 'typeorm';
import { migrateServiceSchema, qualified, sqlMigration } from '@support/event-store';
import { createSubjectKeysTable } from './subject-keys.migration';
import { SUBJECT_KEYS_TABLE } from './subject-keys.repository';

/**
 * The one place every service's data keys live: the keyring schema's subject keys table, owned by the
 * owner role like every schema, written through the grants below only.
 */
export const KEYRING_SCHEMA = 'keyring';

/**
 * What a service's runtime role may do with the keyring: open sealed values (read keys), seal new ones
 * (read keys, add keys for new subjects), or also shred (destroy a key: erasure, intake only).
 */
export type KeyringAccess = 'open' | 'seal' | 'shred';

const PRIVILEGES: Record<KeyringAccess, string> = { open: 'SELECT', seal: 'SELECT, INSERT', shred: 'SELECT, INSERT, UPDATE' };

export function keyringMigrations(schema: string = KEYRING_SCHEMA): Array<new () => MigrationInterface> {
  return [sqlMigration('Keyring1799000000000', [createSubjectKeysTable(schema)], [`DROP TABLE ${qualified(schema, SUBJECT_KEYS_TABLE)}`])];
}

/** A runtime role's rights on the keyring, exactly: re-applied on every migrate, so a narrower rule wins. */
export async function grantKeyringRole(db: { query(sql: string): Promise<unknown> }, role: string, access: KeyringAccess, schema: string = KEYRING_SCHEMA): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role)) throw new Error(`invalid role name: ${role}`);
  const s = qualified(schema, 'x').split('.')[0];
  await db.query(`REVOKE ALL ON ALL TABLES IN SCHEMA ${s} FROM "${role}"`);
  await db.query(`GRANT USAGE ON SCHEMA ${s} TO "${role}"`);
  await db.query(`GRANT ${PRIVILEGES[access]} ON ${qualified(schema, SUBJECT_KEYS_TABLE)} TO "${role}"`);
}

/**
 * As the owner: creates and migrates the keyring (once, whoever comes first), then gives each runtime role
 * its access. Run by the migrate step, and by a service that migrates its own schema (tests).
 */
export async function migrateKeyring(ownerUrl: string, grants: ReadonlyArray<{ role: string; access: KeyringAccess }>, schema: string = KEYRING_SCHEMA): Promise<void> {
  // services starting together share the keyring: its creation and the grants go one at a time
  // (concurrent CREATE SCHEMA or GRANT on one object fail rather than wait)
  await asOwnerAlone(ownerUrl, `${schema}:create`, (owner) => owner.query(`CREATE SCHEMA IF NOT EXISTS ${qualified(schema, 'x').split('.')[0]}`));
  // as the owner alone: migrateServiceSchema's runtime grants (every table, read and write) are not the keyring's
  await migrateServiceSchema({ databaseUrl: ownerUrl, migrationDatabaseUrl: ownerUrl, schema, migrations: keyringMigrations(schema) });
  if (grants.length === 0) return;
  await asOwnerAlone(ownerUrl, `${schema}:grants`, async (owner) => {
    for (const { role, access } of grants) await grantKeyringRole(owner, role, access, schema);
  });
}

async function asOwnerAlone(ownerUrl: string, lock: string, work: (owner: Client) => Promise<unknown>): Promise<void> {
  const owner = new Client({ connectionString: ownerUrl });
  await owner.connect();
  try {
    await owner.query('BEGIN');
    await owner.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [lock]);
    await work(owner);
    await owner.query('COMMIT');
  } finally {
    await owner.end();
  }
}
