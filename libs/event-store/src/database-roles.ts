import { qualified } from './sql-names';

/** The role that owns every service schema and runs the migrations; services never connect as it. */
export const OWNER_ROLE = 'support_owner';

/** The login role a service runs as: `support_<service>` (`field-service` -> `support_field_service`). */
export function runtimeRoleName(service: string): string {
  return `support_${service.replace(/-/g, '_')}`;
}

/** The same server and database as `url`, as another role. */
export function urlForRole(url: string, role: string, password?: string): string {
  const parsed = new URL(url);
  parsed.username = role;
  parsed.password = password ?? '';
  return parsed.toString();
}

export function roleOfUrl(url: string): string {
  return decodeURIComponent(new URL(url).username);
}

/** What a service's runtime role may do beyond its defaults (see runtimeGrants). */
export interface RuntimeAccess {
  /** read-model tables the runtime empties with TRUNCATE (the dashboard's rebuild) */
  truncatable?: readonly string[];
}

interface Executor {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function role(name: string): string {
  if (!ROLE_NAME.test(name)) throw new Error(`invalid role name: ${name}`);
  return `"${name}"`;
}

/**
 * The runtime role's rights on its schema, re-applied after every migration run so new tables follow:
 * read and write every table, but only SELECT and INSERT on the append-only ones (those guarded by
 * `refuse_event_change`) and only SELECT on the migrations table. It gets no ownership, so it can
 * neither disable triggers nor alter tables.
 */
export async function grantRuntimeRole(db: Executor, schema: string, runtimeRole: string, access: RuntimeAccess = {}): Promise<void> {
  const s = qualified(schema, 'x').split('.')[0];
  const r = role(runtimeRole);
  const appendOnly = (await db.query(
    `SELECT DISTINCT c.relname AS name
       FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_proc p ON p.oid = t.tgfoid
      WHERE n.nspname = $1 AND p.proname = 'refuse_event_change'`,
    [schema],
  )) as Array<{ name: string }>;
  // revoke first: a grant made by an earlier migration run must not outlive a narrower rule
  await db.query(`REVOKE ALL ON ALL TABLES IN SCHEMA ${s} FROM ${r}`);
  await db.query(`GRANT USAGE ON SCHEMA ${s} TO ${r}`);
  await db.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${s} TO ${r}`);
  for (const { name } of appendOnly) await db.query(`REVOKE UPDATE, DELETE ON ${qualified(schema, name)} FROM ${r}`);
  await db.query(`REVOKE INSERT, UPDATE, DELETE ON ${qualified(schema, 'schema_migrations')} FROM ${r}`);
  for (const table of access.truncatable ?? []) await db.query(`GRANT TRUNCATE ON ${qualified(schema, table)} TO ${r}`);
  await db.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${s} TO ${r}`);
}

export interface RoleToProvision {
  name: string;
  /** null: a role without a password (trust authentication, local development only) */
  password: string | null;
}

/**
 * Creates the owner and runtime login roles if missing and sets their passwords; run by an
 * administrator (a superuser or a role with CREATEROLE). The owner may create schemas in the
 * database; runtime roles get nothing here (grantRuntimeRole gives them their schema).
 */
export async function provisionRoles(admin: Executor, owner: RoleToProvision, runtimeRoles: readonly RoleToProvision[]): Promise<void> {
  for (const { name, password } of [owner, ...runtimeRoles]) {
    const exists = (await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name])) as unknown[];
    // CREATE ROLE has no IF NOT EXISTS, and two provisioners may race: a duplicate is fine
    if (exists.length === 0) {
      await admin.query(`CREATE ROLE ${role(name)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS`).catch((error: { code?: string }) => {
        if (error.code !== '42710' && error.code !== '23505') throw error;
      });
    }
    await admin.query(
      `ALTER ROLE ${role(name)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${password === null ? 'NULL' : quoteLiteral(password)}`,
    );
  }
  await admin.query(`GRANT CREATE ON DATABASE "${await currentDatabase(admin)}" TO ${role(owner.name)}`);
}

async function currentDatabase(db: Executor): Promise<string> {
  const [{ name }] = (await db.query('SELECT current_database() AS name')) as Array<{ name: string }>;
  return name.replace(/"/g, '""');
}

// ALTER ROLE takes no bind parameters
function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
