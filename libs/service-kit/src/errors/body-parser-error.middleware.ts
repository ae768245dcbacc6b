import { BadRequestException, HttpException, PayloadTooLargeException } from '@nestjs/common';

/** The fields body-parser (via http-errors) puts on its errors. */
interface BodyParserError {
  type: string;
  status: number;
  expose?: boolean;
  limit?: number;
}

// the `type` values body-parser and raw-body use
const PARSER_ERROR_TYPE = /^(entity|request|encoding|charset|stream|parameters)\./;

/** True for errors raised by express' body parsers. */
export function isBodyParserError(err: unknown): err is BodyParserError {
  const e = err as Partial<BodyParserError> | null;
  return typeof e === 'object' && e !== null && typeof e.status === 'number' && typeof e.type === 'string' && PARSER_ERROR_TYPE.test(e.type);
}

/** Maps a body-parser error to the HTTP error the client should see. */
export function toBodyHttpException(err: BodyParserError & { message?: string }): HttpException {
  switch (err.type) {
    case 'entity.parse.failed':
      return new BadRequestException(['body must be valid JSON']);
    case 'entity.too.large':
      return new PayloadTooLargeException(`body must not exceed ${err.limit ?? 'the size limit of'} bytes`);
    default:
      // other parser errors are 4xx with a safe message (encoding, charset, aborted request)
      return err.expose && err.status < 500 ? new HttpException(err.message ?? 'bad request body', err.status) : new BadRequestException('bad request body');
  }
}

/**
 * Express error middleware placed right after the body parser: turns its errors into Nest
 * HTTP exceptions, which Nest then hands to the global filter (so `{ statusCode, error, message }`).
 */
export function bodyParserErrorMiddleware(err: unknown, _req: unknown, _res: unknown, next: (err?: unknown) => void): void {
  next(isBodyParserError(err) ? toBodyHttpException(err) : err);
}
