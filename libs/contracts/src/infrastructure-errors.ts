/**
 * Connection-level failures (PostgreSQL down or restarting, a socket cut), as opposed to a handler
 * refusing an event or a bug: what a consumer retries, and what an HTTP caller is told to retry (503).
 */
export function isInfrastructureError(error: unknown): boolean {
  const e = error as { code?: string; message?: string; driverError?: { code?: string } };
  const code = e?.driverError?.code ?? e?.code ?? '';
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006'].includes(code)) return true;
  return /Connection terminated|connection error|not queryable|timeout exceeded when trying to connect/i.test(e?.message ?? '');
}
