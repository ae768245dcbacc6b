import { Client } from 'pg';
import { OWNER_ROLE, provisionRoles, runtimeRoleName, urlForRole } from '@support/event-store';
import { testInfra } from './test-infra';

/** every service's runtime role is provisioned for tests (deploy/migrate has the same list) */
export const TEST_SERVICES = ['intake', 'routing', 'sla-monitor', 'field-service', 'knowledge-base', 'lead-pool', 'dashboard'] as const;

// test passwords: the role's own name (the shared local server uses trust auth anyway)
const testPassword = (role: string) => role;

/** The owner's URL: migrations, and tests that tamper with the record on purpose. */
export function ownerDatabaseUrl(): string {
  return urlForRole(testInfra().databaseUrl, OWNER_ROLE, testPassword(OWNER_ROLE));
}

/** A service's runtime role's URL. */
export function runtimeDatabaseUrl(service: string): string {
  const role = runtimeRoleName(service);
  return urlForRole(testInfra().databaseUrl, role, testPassword(role));
}

/**
 * What a test hands a service's runtime: it connects as the service's runtime role, after migrating
 * its schema as the owner (see openServiceDataSource).
 */
export function serviceDatabase(service: string): { databaseUrl: string; migrationDatabaseUrl: string } {
  return { databaseUrl: runtimeDatabaseUrl(service), migrationDatabaseUrl: ownerDatabaseUrl() };
}

/** Creates the owner and runtime roles (idempotent; roles are cluster-wide), as the superuser of DATABASE_URL. */
export async function provisionTestRoles(): Promise<void> {
  const client = new Client({ connectionString: testInfra().databaseUrl });
  await client.connect();
  try {
    const db = { query: async (sql: string, params?: unknown[]) => (await client.query(sql, params)).rows };
    const runtimeRoles = TEST_SERVICES.map((service) => runtimeRoleName(service)).map((name) => ({ name, password: testPassword(name) }));
    // one provisioner at a time: jest projects may start together
    await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', ['support:provision-roles']);
    await provisionRoles(db, { name: OWNER_ROLE, password: testPassword(OWNER_ROLE) }, runtimeRoles);
  } finally {
    await client.end();
  }
}

/** Tampers with the record on purpose, as the owner, in one transaction (a service's own role cannot). */
export async function tamperAsOwner(work: (db: Client) => Promise<void>): Promise<void> {
  const db = new Client({ connectionString: ownerDatabaseUrl() });
  await db.connect();
  try {
    await db.query('BEGIN');
    await work(db);
    await db.query('COMMIT');
  } finally {
    await db.end();
  }
}
