import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A migration made of SQL statements: `name` must end in a timestamp (TypeORM orders by it), and the
 * statements run in order, in the migration's transaction.
 */
export function sqlMigration(name: string, up: string[], down: string[]): new () => MigrationInterface {
  const migration = class implements MigrationInterface {
    name = name;

    async up(runner: QueryRunner): Promise<void> {
      for (const statement of up) await runner.query(statement);
    }

    async down(runner: QueryRunner): Promise<void> {
      for (const statement of down) await runner.query(statement);
    }
  };
  Object.defineProperty(migration, 'name', { value: name });
  return migration;
}
