import { DataSource, MigrationInterface } from 'typeorm';
import { grantRuntimeRole, roleOfUrl, RuntimeAccess } from './database-roles';
import { lockForTransaction, qualified } from './sql-names';

export interface ServiceDataSourceOptions extends RuntimeAccess {
  /** the role the service runs as (its runtime role in production) */
  databaseUrl: string;
  /**
   * The owner's URL: when given, the schema is created and migrated as the owner, and the runtime role
   * of `databaseUrl` granted its rights, before the service connects (tests, the migrate step). Without
   * it the service only checks that its schema is migrated: migrating is `npm run migrate`'s job.
   */
  migrationDatabaseUrl?: string;
  /** the service's own schema: every table of the service lives there */
  schema: string;
  migrations: Array<new () => MigrationInterface>;
  poolSize?: number;
}

/** A TypeORM data source bound to one service schema, which must be migrated (or is, with `migrationDatabaseUrl`). */
export async function openServiceDataSource(options: ServiceDataSourceOptions): Promise<DataSource> {
  if (options.migrationDatabaseUrl) await migrateServiceSchema({ ...options, migrationDatabaseUrl: options.migrationDatabaseUrl });
  const dataSource = dataSourceFor(options.databaseUrl, options.schema, options.migrations, options.poolSize ?? 10);
  await dataSource.initialize();
  try {
    await assertMigrated(dataSource, options.schema, options.migrations);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

/**
 * As the owner: creates the schema, runs its pending migrations, and (when the runtime role is
 * another role) re-applies the runtime role's grants, so tables a migration added follow.
 */
export async function migrateServiceSchema(options: ServiceDataSourceOptions & { migrationDatabaseUrl: string }): Promise<void> {
  const owner = dataSourceFor(options.migrationDatabaseUrl, options.schema, options.migrations, 1);
  await owner.initialize();
  try {
    await owner.query(`CREATE SCHEMA IF NOT EXISTS ${qualified(options.schema, 'x').split('.')[0]}`);
    // two instances starting together must not both migrate
    await owner.transaction(async (manager) => {
      await lockForTransaction(manager, `${options.schema}:migrations`);
      const { MigrationExecutor } = await import('typeorm');
      const executor = new MigrationExecutor(owner, manager.queryRunner!);
      executor.transaction = 'none';
      await executor.executePendingMigrations();
      const runtimeRole = roleOfUrl(options.databaseUrl);
      if (runtimeRole !== roleOfUrl(options.migrationDatabaseUrl)) await grantRuntimeRole(manager, options.schema, runtimeRole, options);
    });
  } finally {
    await owner.destroy();
  }
}

function dataSourceFor(url: string, schema: string, migrations: ServiceDataSourceOptions['migrations'], poolSize: number): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    schema,
    migrations,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    extra: { max: poolSize, application_name: schema },
  });
}

// read-only: the runtime role may not create the migrations table (TypeORM's showMigrations would)
async function assertMigrated(dataSource: DataSource, schema: string, migrations: ServiceDataSourceOptions['migrations']): Promise<void> {
  const table = qualified(schema, 'schema_migrations');
  const [{ present }] = (await dataSource.query('SELECT to_regclass($1) IS NOT NULL AS present', [table])) as Array<{ present: boolean }>;
  const applied = present ? new Set(((await dataSource.query(`SELECT name FROM ${table}`)) as Array<{ name: string }>).map((r) => r.name)) : new Set<string>();
  const pending = migrations.map((m) => new m().name ?? m.name).filter((name) => !applied.has(name));
  if (pending.length > 0) {
    throw new Error(
      `schema "${schema}" is not migrated (${pending.length} pending, first ${pending[0]}${present ? '' : '; no schema_migrations table, or no access to it'}): run the migrate step (npm run migrate) as the owner first`,
    );
  }
}
