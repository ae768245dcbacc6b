import { BadRequestException, ConflictException, HttpException } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { isInfrastructureError } from '@support/event-store';
import { SubjectErased } from '@support/personal-data';

// API.md "errors": RFC 9457 problem details, with v1's `statusCode`, `error` and `message` kept alongside for
// one more version (v1 clients read them); README.md "Errors" says what each member holds

/** The content type of every error answer. */
export const PROBLEM_JSON = 'application/problem+json; charset=utf-8';

/** One failed rule of one field of the request, e.g. `{ field: 'customer.phone', rule: 'isString', detail: 'customer.phone must be a string' }`. */
export interface FieldError {
  /** the field's dotted path in the body or the query (`items.0.sku`) */
  field: string;
  /** the rule it broke (class-validator's constraint name; `whitelistValidation` for an unknown field) */
  rule: string;
  /** the sentence, naming the field */
  detail: string;
}

/** Every error body of every service. */
export interface ProblemDetails {
  /** `about:blank`: the status says what kind of problem it is (RFC 9457 §4.2.1) */
  type: string;
  /** the status' reason phrase */
  title: string;
  status: number;
  /** what went wrong in this occurrence, in words (every message, joined) */
  detail: string;
  /** the path of the request that failed */
  instance?: string;
  /** extension: each failed field rule, on a 400 from validation */
  errors?: FieldError[];
  /** v1: = status */
  statusCode: number;
  /** v1: = title, or a more precise error name */
  error: string;
  /** v1: the message(s); validation errors as one string per failed rule */
  message: string | string[];
}

/** A request whose fields break their rules: 400, one {@link FieldError} each. */
export class InvalidFieldsException extends BadRequestException {
  constructor(readonly fieldErrors: FieldError[]) {
    super(fieldErrors.map((error) => error.detail));
  }
}

/** A command decided on a version its stream has moved past: 409, or 412 where If-Match named that version. */
export class StaleVersionException extends ConflictException {}

/** seconds a caller is asked to wait when a dependency is down (about one PostgreSQL restart) */
export const RETRY_AFTER_SECONDS = 5;

/** The problem details for any thrown value; `instance` is the failing request's path. */
export function problemOf(exception: unknown, instance?: string): ProblemDetails {
  const http = httpAnswerOf(exception);
  if (!http && isInfrastructureError(exception)) return problem(503, 'a dependency of this service is unreachable; retry later', instance);
  if (!http) return problem(500, 'Internal server error', instance);

  const status = http.getStatus();
  const response = http.getResponse();
  const fields = typeof response === 'object' && response !== null ? (response as Partial<ProblemDetails>) : {};
  const raw = typeof response === 'string' ? response : (fields.message ?? http.message);
  const message = Array.isArray(raw) ? raw.map(String) : String(raw);
  const answer = problem(status, message, instance);
  if (typeof fields.error === 'string') answer.error = fields.error;
  if (http instanceof InvalidFieldsException) answer.errors = http.fieldErrors;
  return answer;
}

/** the HTTP answer a thrown value stands for, if it is one: an HttpException, or a domain refusal thrown below the HTTP layer */
export function httpAnswerOf(exception: unknown): HttpException | undefined {
  if (exception instanceof HttpException) return exception;
  if (exception instanceof SubjectErased) return new ConflictException(exception.message);
  return undefined;
}

function problem(status: number, message: string | string[], instance: string | undefined): ProblemDetails {
  const title = STATUS_CODES[status] ?? 'Error';
  return {
    type: 'about:blank',
    title,
    status,
    detail: Array.isArray(message) ? message.join('; ') : message,
    ...(instance !== undefined ? { instance } : {}),
    statusCode: status,
    error: title,
    message,
  };
}

/** the path of a request URL, without its query (which may carry personal data) */
export function instanceOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
