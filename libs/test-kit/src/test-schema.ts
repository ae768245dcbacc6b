import { randomUUID } from 'node:crypto';
import { DataSource, MigrationInterface } from 'typeorm';
import { openServiceDataSource } from '@support/event-store';
import { testInfra } from './test-infra';

/** A unique schema per test file, so int tests never see each other's rows. */
export function uniqueSchemaName(prefix: string): string {
  return `t_${prefix}_${randomUUID().replace(/-/g, '').slice(0, 10)}`.toLowerCase();
}

export async function openTestSchema(
  prefix: string,
  migrations: (schema: string) => Array<new () => MigrationInterface>,
): Promise<{ schema: string; dataSource: DataSource; drop(): Promise<void> }> {
  const schema = uniqueSchemaName(prefix);
  // as the superuser: library tests tamper with the record on purpose (services' tests use serviceDatabase)
  const { databaseUrl } = testInfra();
  const dataSource = await openServiceDataSource({ databaseUrl, migrationDatabaseUrl: databaseUrl, schema, migrations: migrations(schema) });
  return {
    schema,
    dataSource,
    async drop() {
      await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await dataSource.destroy();
    },
  };
}

/** Drops a test schema over a connection of its own (the service's pool may be closed already). */
export async function dropTestSchema(schema: string): Promise<void> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: testInfra().databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
