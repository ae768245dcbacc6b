import { ArgumentsHost, Catch, ConflictException, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { isInfrastructureError } from '@support/event-store';
import { SubjectErased } from '@support/personal-data';

/** Every error body of every service (API.md "errors"). */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
}

/** seconds a caller is asked to wait when a dependency is down (about one PostgreSQL restart) */
export const RETRY_AFTER_SECONDS = 5;

/**
 * Shapes every HTTP error as {@link ErrorBody}. A lost database connection becomes a 503 with
 * Retry-After: the caller may send the request again (Idempotency-Key and If-Match make that safe
 * should the transaction have committed as the connection dropped); other unexpected errors
 * become a logged 500 with "Internal server error". Stack traces and internal messages never reach
 * the client.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const body = toErrorBody(exception);
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const outage = !(exception instanceof HttpException) && isInfrastructureError(exception);
    // http exceptions are answers, an outage is the operator's to see; anything else is a bug to log with its stack
    if (outage) {
      this.logger.warn(`answered 503, a dependency is unreachable: ${(exception as Error).message}`);
    } else if (!(exception instanceof HttpException) && !answerOf(exception)) {
      this.logger.error(exception instanceof Error ? exception : `non-error thrown: ${String(exception)}`);
    }
    // a streamed response that failed half-way can only be cut off
    if (reply.sent || reply.raw.headersSent) {
      reply.raw.destroy();
      return;
    }
    if (outage) reply.header('Retry-After', String(RETRY_AFTER_SECONDS));
    reply.status(body.statusCode).send(body);
  }
}

/** The error body for any thrown value. */
export function toErrorBody(exception: unknown): ErrorBody {
  const http = exception instanceof HttpException ? exception : answerOf(exception);
  if (!http && isInfrastructureError(exception)) return { statusCode: 503, error: STATUS_CODES[503]!, message: 'a dependency of this service is unreachable; retry later' };
  if (!http) return { statusCode: 500, error: STATUS_CODES[500]!, message: 'Internal server error' };

  const statusCode = http.getStatus();
  const response = http.getResponse();
  const fields = typeof response === 'object' && response !== null ? (response as Partial<ErrorBody>) : {};
  const message = typeof response === 'string' ? response : (fields.message ?? http.message);
  return {
    statusCode,
    error: typeof fields.error === 'string' ? fields.error : (STATUS_CODES[statusCode] ?? 'Error'),
    message: Array.isArray(message) ? message.map(String) : String(message),
  };
}

/** what a domain refusal thrown below the HTTP layer answers */
function answerOf(exception: unknown): HttpException | undefined {
  if (exception instanceof SubjectErased) return new ConflictException(exception.message);
  return undefined;
}
