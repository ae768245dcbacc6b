import { randomBytes, randomUUID } from 'node:crypto';
import { migrateServiceSchema } from '@support/event-store';
import { KEYRING_SCHEMA, KeyEncryptionKey, migrateKeyring, SubjectKeys } from '@support/personal-data';
import { dropTestSchema, testInfra, uniqueSchemaName } from '@support/test-kit';
import { DataSource } from 'typeorm';
import { intakeMigrations } from '../src/persistence/intake.migrations';

// a database of the version that kept customer keys clear in customer_keys, migrated to this one
describe('intake: customer keys kept clear by an earlier version', () => {
  const schema = uniqueSchemaName('intake_keys');
  const { databaseUrl } = testInfra();
  let db: DataSource;

  beforeAll(async () => {
    const all = intakeMigrations(schema);
    await migrateKeyring(databaseUrl, []);
    // everything up to the move of the keys (later migrations follow it)
    const move = all.findIndex((migration) => migration.name.startsWith('IntakeSubjectKeys'));
    await migrateServiceSchema({ databaseUrl, migrationDatabaseUrl: databaseUrl, schema, migrations: all.slice(0, move) });
    db = await new DataSource({ type: 'postgres', url: databaseUrl }).initialize();
  });
  afterAll(async () => {
    await db.destroy();
    await dropTestSchema(schema);
  });

  it('moves them to subject_keys, where intake wraps them and a destroyed one stays destroyed', async () => {
    const kept = { id: randomUUID(), key: randomBytes(32) };
    const erased = randomUUID();
    await db.query(`INSERT INTO "${schema}".customer_keys (customer_id, data_key, created_at) VALUES ($1, $2, now())`, [kept.id, kept.key]);
    await db.query(`INSERT INTO "${schema}".customer_keys (customer_id, data_key, created_at, destroyed_at) VALUES ($1, NULL, now(), now())`, [erased]);

    await migrateServiceSchema({ databaseUrl, migrationDatabaseUrl: databaseUrl, schema, migrations: intakeMigrations(schema) });
    expect(await db.query(`SELECT to_regclass('"${schema}".customer_keys') AS legacy`)).toEqual([{ legacy: null }]);

    const keys = new SubjectKeys(KEYRING_SCHEMA, new KeyEncryptionKey(randomBytes(32)));
    await db.transaction((manager) => keys.wrapClearKeys(manager));
    const rows = await db.query(
      `SELECT subject_id, data_key, wrapped_key IS NOT NULL AS wrapped, destroyed_at IS NOT NULL AS destroyed FROM ${KEYRING_SCHEMA}.subject_keys WHERE subject_id = ANY($1) ORDER BY destroyed`,
      [[kept.id, erased]],
    );
    expect(rows).toEqual([
      { subject_id: kept.id, data_key: null, wrapped: true, destroyed: false },
      { subject_id: erased, data_key: null, wrapped: false, destroyed: true },
    ]);
    const opened = await keys.keysOf(db, [kept.id, erased]);
    expect(opened.get(kept.id)!.equals(kept.key)).toBe(true);
    expect(opened.get(erased)).toBeNull();
  });
});
