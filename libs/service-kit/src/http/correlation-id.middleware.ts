import { BadRequestException } from '@nestjs/common';

/**
 * What `X-Correlation-Id` may hold: it is stored forever in every event's hash-chained metadata, so only
 * a short id (a UUID, a partner's request id), never free text.
 */
export const CORRELATION_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Express middleware: a request with a malformed `X-Correlation-Id` answers 400 naming the header and its rule. */
export function correlationIdMiddleware(req: { headers: Record<string, string | string[] | undefined> }, _res: unknown, next: (err?: unknown) => void): void {
  const value = req.headers['x-correlation-id'];
  if (value === undefined || (typeof value === 'string' && CORRELATION_ID.test(value))) return next();
  next(new BadRequestException(['X-Correlation-Id must be 1-128 characters: letters, digits and . _ : - (beginning with a letter or digit)']));
}
