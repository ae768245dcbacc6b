const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Quoted, schema-qualified table names of one service's store. */
export function qualified(schema: string, table: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name: ${schema}`);
  return `"${schema}"."${table}"`;
}
