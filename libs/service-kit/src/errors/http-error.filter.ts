import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { isInfrastructureError } from '@support/event-store';
import { httpAnswerOf, instanceOf, PROBLEM_JSON, problemOf, RETRY_AFTER_SECONDS } from './problem-details';

/**
 * Answers every HTTP error as RFC 9457 problem details ({@link problemOf}). A lost database connection
 * becomes a 503 with Retry-After: the caller may send the request again (Idempotency-Key and If-Match
 * make that safe should the transaction have committed as the connection dropped); other unexpected
 * errors become a logged 500 with "Internal server error". Stack traces and internal messages never
 * reach the client.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const answer = httpAnswerOf(exception);
    const outage = !answer && isInfrastructureError(exception);
    // http exceptions are answers, an outage is the operator's to see; anything else is a bug to log with its stack
    if (outage) {
      this.logger.warn(`answered 503, a dependency is unreachable: ${(exception as Error).message}`);
    } else if (!answer) {
      this.logger.error(exception instanceof Error ? exception : `non-error thrown: ${String(exception)}`);
    }
    // a streamed response that failed half-way can only be cut off
    if (reply.sent || reply.raw.headersSent) {
      reply.raw.destroy();
      return;
    }
    const problem = problemOf(exception, instanceOf(http.getRequest<FastifyRequest>().url));
    if (outage) reply.header('Retry-After', String(RETRY_AFTER_SECONDS));
    reply.status(problem.status).type(PROBLEM_JSON).send(JSON.stringify(problem));
  }
}
