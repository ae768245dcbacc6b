/**
 * Connection-level failures (PostgreSQL down or restarting, a socket cut), as opposed to a handler
 * refusing an event or a bug: what a consumer retries, and what an HTTP caller is told to retry (503).
 */
export function isInfrastructureError(error: unknown): boolean {
  const e = error as { code?: string; message?: string; driverError?: { code?: string } };
  const code = e?.driverError?.code ?? e?.code ?? '';
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006'].includes(code)) return true;
  // TypeORM's QueryRunnerAlreadyReleasedError: the transaction's connection was lost and given back under it
  return /Connection terminated|connection error|not queryable|timeout exceeded when trying to connect|Query runner already released/i.test(e?.message ?? '');
}

/**
 * A failure that passes by itself when the same work is tried again: another writer changed the
 * aggregate between read and append (a version conflict), say. Thrown by handlers so that the consumer
 * retries the event instead of parking it.
 */
export class TransientFailure extends Error {}

// serialization failure, deadlock, too many connections, out of memory/disk for now, lock not available
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '53300', '53200', '53100', '55P03']);

/**
 * Whether trying again later can succeed: the infrastructure being away, PostgreSQL's transient refusals
 * (serialization failures, deadlocks, too many connections) and {@link TransientFailure}s. A consumer
 * retries these for as long as it takes, never parking the event: parking would let later events of
 * the partition overtake a decision that only had to wait.
 */
export function isTransientError(error: unknown): boolean {
  if (error instanceof TransientFailure || isInfrastructureError(error)) return true;
  const e = error as { code?: string; driverError?: { code?: string } };
  return TRANSIENT_SQLSTATES.has(e?.driverError?.code ?? e?.code ?? '');
}
