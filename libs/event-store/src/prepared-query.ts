import { createHash } from 'node:crypto';
import { EntityManager } from 'typeorm';

/** the pg client a TypeORM transaction runs on (PostgresQueryRunner keeps it as `databaseConnection`) */
interface PgClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * Runs `text` as a named prepared statement on the transaction's connection: parsed and planned once per
 * connection instead of once per call, for the statements every command sends. Outside a PostgreSQL
 * transaction it runs as an ordinary query. Errors are pg's own (`code` is the SQLSTATE), as callers of
 * isTransientError expect.
 */
export async function preparedQuery<Row>(manager: EntityManager, text: string, values: unknown[]): Promise<Row[]> {
  const client = (manager.queryRunner as unknown as { databaseConnection?: PgClient } | undefined)?.databaseConnection;
  if (!client?.query) return manager.query(text, values);
  const { rows } = await client.query({ name: statementName(text), text, values });
  return rows as Row[];
}

// one name per text: the same text prepares once per connection, a schema of its own gets a name of its own
const names = new Map<string, string>();
function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `s_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}
