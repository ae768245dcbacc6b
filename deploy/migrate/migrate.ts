import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { migrateServiceSchema, OWNER_ROLE, provisionRoles, qualified, runtimeRoleName, urlForRole } from '@support/event-store';
import { KEYRING_SCHEMA, migrateKeyring } from '@support/personal-data';
import { SERVICE_SCHEMAS, serviceSchema } from './service-schemas';

/** One service to migrate, in its default schema or another (benchmarks, side-by-side runs). */
export interface MigrationTarget {
  service: string;
  schema?: string;
}

export interface MigrateOptions {
  /** the owner's URL: it runs every migration and owns what they create */
  ownerUrl: string;
  /** a superuser (or CREATEROLE) URL: when given, the roles are created first and pre-existing schemas handed to the owner */
  adminUrl?: string;
  /** the password of each role to create (used with adminUrl); null: none (trust authentication) */
  password?: (role: string) => string | null;
  targets?: readonly MigrationTarget[];
}

/**
 * The migrate step: (as an administrator, optionally) the owner and runtime roles; then, as the owner, the
 * keyring of data keys and who may use it, and every service's schema, its pending migrations, and its
 * runtime role's grants.
 */
export async function migrate(options: MigrateOptions): Promise<void> {
  const targets = (options.targets ?? SERVICE_SCHEMAS).map(({ service, schema }) => ({ ...serviceSchema(service), schema: schema ?? serviceSchema(service).schema }));
  if (options.adminUrl) {
    const password = options.password ?? (() => null);
    await asAdmin(options.adminUrl, async (db) => {
      const runtimeRoles = [...new Set(targets.map((t) => runtimeRoleName(t.service)))].map((name) => ({ name, password: password(name) }));
      await provisionRoles(db, { name: OWNER_ROLE, password: password(OWNER_ROLE) }, runtimeRoles);
      for (const { schema } of targets) await adoptSchema(db, schema, OWNER_ROLE);
    });
  }
  // the data keys first: a service's migration may move keys into it
  await migrateKeyring(
    options.ownerUrl,
    targets.flatMap((t) => (t.keyring ? [{ role: runtimeRoleName(t.service), access: t.keyring }] : [])),
    KEYRING_SCHEMA,
  );
  for (const target of targets) {
    await migrateServiceSchema({
      databaseUrl: urlForRole(options.ownerUrl, runtimeRoleName(target.service)),
      migrationDatabaseUrl: options.ownerUrl,
      schema: target.schema,
      migrations: target.migrations(target.schema),
      truncatable: target.truncatable,
    });
  }
}

type Executor = { query(sql: string, params?: unknown[]): Promise<unknown[]> };

async function asAdmin(url: string, work: (db: Executor) => Promise<void>): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    // one provisioner at a time (tests and several migrate runs may start together)
    await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', ['support:provision-roles']);
    await work({ query: async (sql, params) => (await client.query(sql, params)).rows });
  } finally {
    await client.end();
  }
}

/**
 * A schema created before the roles existed (services used to migrate as the superuser) is handed to
 * the owner with everything in it, so its migrations and grants can go on.
 */
async function adoptSchema(db: Executor, schema: string, owner: string): Promise<void> {
  const s = qualified(schema, 'x').split('.')[0];
  const [found] = (await db.query('SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = $1', [schema])) as Array<{ owner: string }>;
  if (!found) return;
  if (found.owner !== owner) await db.query(`ALTER SCHEMA ${s} OWNER TO "${owner}"`);
  const relations = (await db.query(
    `SELECT c.relname AS name, c.relkind AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND pg_get_userbyid(c.relowner) <> $2
        AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))`,
    [schema, owner],
  )) as Array<{ name: string; kind: string }>;
  for (const { name, kind } of relations) {
    const what = kind === 'S' ? 'SEQUENCE' : kind === 'v' ? 'VIEW' : kind === 'm' ? 'MATERIALIZED VIEW' : 'TABLE';
    await db.query(`ALTER ${what} ${qualified(schema, name)} OWNER TO "${owner}"`);
  }
  const functions = (await db.query(
    `SELECT p.oid::regprocedure::text AS signature FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = $1 AND pg_get_userbyid(p.proowner) <> $2`,
    [schema, owner],
  )) as Array<{ signature: string }>;
  for (const { signature } of functions) await db.query(`ALTER FUNCTION ${signature} OWNER TO "${owner}"`);
}

/** A role's password: <ROLE>_PASSWORD_FILE or <ROLE>_PASSWORD; in development and tests the role's name by default. */
export function rolePassword(env: NodeJS.ProcessEnv, role: string): string {
  const variable = `${role.toUpperCase()}_PASSWORD`;
  const file = env[`${variable}_FILE`];
  if (file) return readFileSync(file, 'utf8').trim();
  const value = env[variable];
  if (value) return value;
  if (env.NODE_ENV === 'development' || env.NODE_ENV === 'test') return role;
  throw new Error(`${variable} (or ${variable}_FILE) is required to create the role ${role}`);
}

/**
 * `node dist/deploy/migrate/migrate.js [service[:schema] ...]` (`npm run migrate`): MIGRATION_DATABASE_URL
 * is the owner's URL; with DATABASE_ADMIN_URL the roles are created first (passwords: rolePassword).
 */
async function main(): Promise<void> {
  const env = process.env;
  const adminUrl = env.DATABASE_ADMIN_URL || undefined;
  const ownerUrl = env.MIGRATION_DATABASE_URL || (adminUrl && urlForRole(adminUrl, OWNER_ROLE, rolePassword(env, OWNER_ROLE)));
  if (!ownerUrl) throw new Error('MIGRATION_DATABASE_URL (the owner role support_owner) or DATABASE_ADMIN_URL is required');
  const targets = process.argv.slice(2).map((arg) => {
    const [service, schema] = arg.split(':');
    return { service, schema: schema || undefined };
  });
  // the owner's password is the one its URL carries, when it carries one
  const ownerPassword = decodeURIComponent(new URL(ownerUrl).password);
  const password = (role: string) => (role === OWNER_ROLE && ownerPassword ? ownerPassword : rolePassword(env, role));
  await migrate({ ownerUrl, adminUrl, password, targets: targets.length > 0 ? targets : undefined });
  process.stdout.write(`[migrate] migrated ${(targets.length > 0 ? targets : SERVICE_SCHEMAS).map((t) => t.schema ?? t.service).join(', ')}\n`);
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`[migrate] ${error.message}\n`);
    process.exit(1);
  });
}
