const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Quoted, schema-qualified table names of one service's store. */
export function qualified(schema: string, table: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name: ${schema}`);
  return `"${schema}"."${table}"`;
}

/** A transaction-scoped advisory lock on a text key; it takes no transaction id, so it is not a write. */
export async function lockForTransaction(executor: { query(sql: string, params?: unknown[]): Promise<unknown> }, key: string): Promise<void> {
  await executor.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
}
