import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { openServiceDataSource, runtimeRoleName } from '@support/event-store';
import { dropTestSchema, ownerDatabaseUrl, runtimeDatabaseUrl, uniqueSchemaName } from '@support/test-kit';
import { migrate } from '../../deploy/migrate/migrate';
import { SERVICE_SCHEMAS } from '../../deploy/migrate/service-schemas';

// every service's schema, migrated by the owner as `npm run migrate` does; then each runtime role tries its luck
const schemas = new Map(SERVICE_SCHEMAS.map(({ service }) => [service, uniqueSchemaName(`roles_${service.replace(/-/g, '_')}`)]));

beforeAll(async () => {
  await migrate({ ownerUrl: ownerDatabaseUrl(), targets: [...schemas].map(([service, schema]) => ({ service, schema })) });
}, 120_000);

afterAll(async () => {
  for (const schema of schemas.values()) await dropTestSchema(schema);
});

async function asRole<T>(service: string, work: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: runtimeDatabaseUrl(service) });
  await db.connect();
  try {
    return await work(db);
  } finally {
    await db.end();
  }
}

/** the SQLSTATE the statement fails with, or 'ok' */
async function outcome(db: Client, sql: string, params: unknown[] = []): Promise<string> {
  try {
    await db.query(sql, params);
    return 'ok';
  } catch (error) {
    return (error as { code: string }).code;
  }
}

const INSERT_EVENT = (schema: string) => `
  INSERT INTO "${schema}".events (event_id, stream_id, stream_type, version, type, data, metadata, occurred_at, prev_hash, hash)
  VALUES ($1, $2, 'probe', 1, 'probe.v1', '{}', '{}', now(), repeat('0', 64), repeat('1', 64))`;

describe.each(SERVICE_SCHEMAS.map(({ service }) => service))('the runtime role of %s', (service) => {
  const schema = schemas.get(service)!;
  const other = [...schemas].find(([s]) => s !== service)![1];
  const events = `"${schema}".events`;

  it('appends to its events and writes its other tables', async () => {
    await asRole(service, async (db) => {
      expect(await outcome(db, INSERT_EVENT(schema), [randomUUID(), randomUUID()])).toBe('ok');
      expect((await db.query(`SELECT count(*)::int AS n FROM ${events}`)).rows[0].n).toBeGreaterThan(0);
      const { rows } = await db.query(
        `SELECT c.relname AS name, has_table_privilege(c.oid, 'SELECT, INSERT, UPDATE, DELETE') AS writable
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND c.relname NOT IN ('events', 'schema_migrations')`,
        [schema],
      );
      // read models, outbox, inbox, checkpoints, idempotency keys: all of them read and written
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.filter((r) => !r.writable)).toEqual([]);
    });
  });

  it('cannot rewrite, delete or truncate its events, nor switch the triggers off', async () => {
    await asRole(service, async (db) => {
      expect(await outcome(db, `UPDATE ${events} SET data = '{"forged":true}'`)).toBe('42501');
      expect(await outcome(db, `DELETE FROM ${events}`)).toBe('42501');
      expect(await outcome(db, `TRUNCATE ${events}`)).toBe('42501');
      expect(await outcome(db, `ALTER TABLE ${events} DISABLE TRIGGER ALL`)).toBe('42501');
      expect(await outcome(db, 'SET session_replication_role = replica')).toBe('42501');
      expect(await outcome(db, `DROP TABLE ${events}`)).toBe('42501');
      const { rows } = await db.query(`SELECT rolsuper, rolcreaterole, rolbypassrls FROM pg_roles WHERE rolname = current_user`);
      expect(rows).toEqual([{ rolsuper: false, rolcreaterole: false, rolbypassrls: false }]);
    });
  });

  it("cannot read another service's schema", async () => {
    await asRole(service, async (db) => {
      expect(await outcome(db, `SELECT * FROM "${other}".events`)).toBe('42501');
      expect(await outcome(db, `SELECT * FROM "${other}".outbox`)).toBe('42501');
    });
  });

  it('opens its migrated schema without migrating it', async () => {
    const migrations = SERVICE_SCHEMAS.find((s) => s.service === service)!.migrations(schema);
    const dataSource = await openServiceDataSource({ databaseUrl: runtimeDatabaseUrl(service), schema, migrations });
    const [{ user }] = await dataSource.query('SELECT current_user AS user');
    await dataSource.destroy();
    expect(user).toBe(runtimeRoleName(service));
  });
});

describe('a service whose schema is not migrated', () => {
  it('stops with a message that says to run the migrate step', async () => {
    const schema = uniqueSchemaName('roles_unmigrated');
    const { migrations } = SERVICE_SCHEMAS[0];
    await expect(openServiceDataSource({ databaseUrl: runtimeDatabaseUrl(SERVICE_SCHEMAS[0].service), schema, migrations: migrations(schema) })).rejects.toThrow(
      /schema "t_roles_unmigrated_\w+" is not migrated .*npm run migrate/,
    );
  });
});
