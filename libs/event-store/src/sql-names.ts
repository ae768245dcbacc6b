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

/**
 * Takes transaction-scoped advisory locks on the text keys in `$1`, in the order given, and counts
 * them: a scalar subquery, so it can share a statement with other work.
 */
// a function scan yields rows in ordinality order, and nothing sorts them between it and the lock
export const LOCK_ALL_KEYS_SQL = '(SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0))) FROM unnest($1::text[]) WITH ORDINALITY AS t(k, n))';

/** lockForTransaction for several keys in one statement, taken in the order given (sort them to avoid deadlocks) */
export async function lockAllForTransaction(executor: { query(sql: string, params?: unknown[]): Promise<unknown> }, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  if (keys.length === 1) return lockForTransaction(executor, keys[0]);
  await executor.query(`SELECT ${LOCK_ALL_KEYS_SQL} AS locked`, [keys]);
}
