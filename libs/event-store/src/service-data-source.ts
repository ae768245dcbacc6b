import { DataSource, MigrationInterface } from 'typeorm';
import { lockForTransaction } from './sql-names';

export interface ServiceDataSourceOptions {
  databaseUrl: string;
  /** the service's own schema: every table of the service lives there */
  schema: string;
  migrations: Array<new () => MigrationInterface>;
  poolSize?: number;
}

/** A TypeORM data source bound to one service schema; schema and migrations are applied on open. */
export async function openServiceDataSource(options: ServiceDataSourceOptions): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.databaseUrl,
    schema: options.schema,
    migrations: options.migrations,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    extra: { max: options.poolSize ?? 10, application_name: options.schema },
  });
  await dataSource.initialize();
  await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
  // two instances starting together must not both migrate
  await dataSource.transaction(async (manager) => {
    await lockForTransaction(manager, `${options.schema}:migrations`);
    const runner = manager.queryRunner!;
    const { MigrationExecutor } = await import('typeorm');
    const executor = new MigrationExecutor(dataSource, runner);
    executor.transaction = 'none';
    await executor.executePendingMigrations();
  });
  return dataSource;
}
