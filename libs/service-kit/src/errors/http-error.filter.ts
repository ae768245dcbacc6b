import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { STATUS_CODES, ServerResponse } from 'node:http';
import { isBodyParserError, toBodyHttpException } from './body-parser-error.middleware';

/** Every error body of every service (API.md "errors"). */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
}

/**
 * Shapes every HTTP error as {@link ErrorBody}. Unexpected errors become a logged 500 with
 * "Internal server error"; stack traces and internal messages never reach the client.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const body = toErrorBody(exception);
    const res = host.switchToHttp().getResponse<ServerResponse & { status(code: number): { json(body: unknown): void } }>();
    // http exceptions are answers; anything else is a bug to log with its stack
    if (!(exception instanceof HttpException) && !isBodyParserError(exception)) {
      this.logger.error(exception instanceof Error ? exception : `non-error thrown: ${String(exception)}`);
    }
    // a streamed response that failed half-way can only be cut off
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(body.statusCode).json(body);
  }
}

/** The error body for any thrown value. */
export function toErrorBody(exception: unknown): ErrorBody {
  const http = exception instanceof HttpException ? exception : isBodyParserError(exception) ? toBodyHttpException(exception) : undefined;
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
