// Preloaded into a service process by the capacity bench (NODE_OPTIONS=--require): counts every statement
// the process sends to PostgreSQL (each pg Client.query call, i.e. each round trip), by its first keyword,
// and writes the counts to BENCH_STATEMENT_COUNTS/<pid>.json. pg_stat_statements is not loaded on the
// shared server, and the runtime roles are shared with other work, so the count is taken at the client.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type StatementKind = 'begin' | 'commit' | 'rollback' | 'select' | 'insert' | 'update' | 'delete' | 'other';
/** by kind; `autocommit`: statements sent outside BEGIN ... COMMIT (each a transaction of its own) */
export type StatementCounts = Record<StatementKind | 'autocommit' | 'total', number>;

export function emptyCounts(): StatementCounts {
  return { begin: 0, commit: 0, rollback: 0, select: 0, insert: 0, update: 0, delete: 0, other: 0, autocommit: 0, total: 0 };
}

/** the kind of a statement by its first keyword (a CTE counts as what its text first writes or reads) */
export function kindOf(text: string): StatementKind {
  const head = /^\s*(\w+)/.exec(text)?.[1]?.toLowerCase() ?? '';
  if (head === 'begin' || head === 'start') return 'begin';
  if (head === 'commit' || head === 'rollback' || head === 'select' || head === 'insert' || head === 'update' || head === 'delete') return head;
  if (head === 'with') return (/\b(insert|update|delete)\b/i.exec(text)?.[1]?.toLowerCase() as StatementKind | undefined) ?? 'select';
  return 'other';
}

function install(directory: string): void {
  // resolved from the service's own node_modules: the same pg module the service loads
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pg = require('pg') as typeof import('pg');
  const counts = emptyCounts();
  const inTransaction = new WeakSet<object>();
  const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
    const first = args[0] as string | { text?: string } | undefined;
    const text = typeof first === 'string' ? first : (first?.text ?? '');
    const kind = kindOf(text);
    counts[kind]++;
    counts.total++;
    const client = this as object;
    if (kind === 'begin') {
      // a whole transaction in one string (BEGIN; ...; COMMIT) leaves the connection outside one
      if (!/\bcommit\s*;?\s*$/i.test(text)) inTransaction.add(client);
    } else if (kind === 'commit' || kind === 'rollback') inTransaction.delete(client);
    else if (!inTransaction.has(client)) counts.autocommit++;
    return original.apply(this, args);
  } as typeof pg.Client.prototype.query;
  const file = join(directory, `${process.pid}.json`);
  const flush = () => writeFileSync(file, JSON.stringify(counts));
  // the bench reads the file between phases: a quarter second behind at most
  setInterval(flush, 250).unref();
  process.on('exit', flush);
}

if (process.env.BENCH_STATEMENT_COUNTS) install(process.env.BENCH_STATEMENT_COUNTS);
