import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { KEYRING_SCHEMA, migrateKeyring } from '@support/personal-data';
import { ownerDatabaseUrl, runtimeDatabaseUrl } from '@support/test-kit';

// the keyring is shared by every service, through the grants the migrate step gives each runtime role
describe('the keyring: one place for every data key, each service with the access it was given', () => {
  const keys = `${KEYRING_SCHEMA}.subject_keys`;
  const clients: Client[] = [];
  const as = async (service: string) => {
    const client = new Client({ connectionString: runtimeDatabaseUrl(service) });
    await client.connect();
    clients.push(client);
    return client;
  };
  const refused = (work: Promise<unknown>) =>
    work.then(
      () => 'allowed',
      (error: { code?: string }) => (error.code === '42501' ? 'refused' : `failed ${error.code}`),
    );

  beforeAll(() =>
    migrateKeyring(ownerDatabaseUrl(), [
      { role: 'support_intake', access: 'shred' },
      // a stand-in for a service that only opens values; its grant is taken back after
      { role: 'support_dashboard', access: 'open' },
    ]),
  );
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end()));
    const owner = new Client({ connectionString: ownerDatabaseUrl() });
    await owner.connect();
    await owner.query(`REVOKE ALL ON ALL TABLES IN SCHEMA ${KEYRING_SCHEMA} FROM support_dashboard`);
    await owner.query(`REVOKE USAGE ON SCHEMA ${KEYRING_SCHEMA} FROM support_dashboard`);
    await owner.end();
  });

  it('lets intake add, read and destroy keys, but never delete a row or empty the table', async () => {
    const intake = await as('intake');
    const subject = randomUUID();
    await intake.query(`INSERT INTO ${keys} (subject_id, data_key, created_at) VALUES ($1, $2, now())`, [subject, randomBytes(32)]);
    await intake.query(`UPDATE ${keys} SET data_key = NULL, destroyed_at = now() WHERE subject_id = $1`, [subject]);
    expect((await intake.query(`SELECT destroyed_at IS NOT NULL AS destroyed FROM ${keys} WHERE subject_id = $1`, [subject])).rows).toEqual([{ destroyed: true }]);
    expect(await refused(intake.query(`DELETE FROM ${keys} WHERE subject_id = $1`, [subject]))).toBe('refused');
    expect(await refused(intake.query(`TRUNCATE ${keys}`))).toBe('refused');
  });

  it('lets a service with open access read keys only, and one without access not even that', async () => {
    const opener = await as('dashboard');
    expect(await refused(opener.query(`SELECT count(*) FROM ${keys}`))).toBe('allowed');
    expect(await refused(opener.query(`INSERT INTO ${keys} (subject_id, data_key, created_at) VALUES ($1, $2, now())`, [randomUUID(), randomBytes(32)]))).toBe('refused');
    expect(await refused((await as('routing')).query(`SELECT count(*) FROM ${keys}`))).toBe('refused');
  });
});

describe('the keyring, migrated by several services starting at once', () => {
  it('is created and granted once, whoever comes first, without failing the others', async () => {
    const schema = `t_keyring_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
    const grants = [{ role: 'support_intake', access: 'shred' as const }];
    try {
      await Promise.all(Array.from({ length: 4 }, () => migrateKeyring(ownerDatabaseUrl(), grants, schema)));
      const intake = new Client({ connectionString: runtimeDatabaseUrl('intake') });
      await intake.connect();
      try {
        expect((await intake.query(`SELECT count(*)::int AS n FROM ${schema}.subject_keys`)).rows).toEqual([{ n: 0 }]);
      } finally {
        await intake.end();
      }
    } finally {
      const owner = new Client({ connectionString: ownerDatabaseUrl() });
      await owner.connect();
      await owner.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await owner.end();
    }
  });
});
