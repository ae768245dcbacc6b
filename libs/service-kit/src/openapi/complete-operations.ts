import { OpenAPIObject } from '@nestjs/swagger';
import { HeaderObject, OperationObject, ParameterObject, ResponseObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { STATUS_CODES } from 'node:http';
import { ANSWER_STATUS } from './api-answer.decorators';
import { AS_OF_HEADER, AS_OF_POSITION_HEADER } from '../http/as-of';

// what every operation can answer follows from how the kit runs it (guards, pipes, the concurrency and
// Idempotency-Key steps, the rate limit, the error filter): said once here from the route's decorators,
// instead of a dozen response decorators on each of ~130 handlers that would drift

/** What a route's decorators say, as far as its OpenAPI operation is concerned. */
export interface RouteFacts {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** no token needed (`@Public()`) */
  isPublic: boolean;
  /** its If-Match rule, if it takes one */
  ifMatch?: { required: boolean; staleStatus: number };
  /** a GET answering `ETag: "<version>"` */
  versionedRead: boolean;
  /** a GET answering `?asOf=` with the marking headers (`@AsOfRead`) */
  asOfRead?: boolean;
  /** a creating POST: 201 with Location */
  creates: boolean;
  /** its status on success (`@HttpCode`), when not the method's default */
  successStatus?: number;
}

/** The error body's schema, RFC 9457 with v1's members (README "Errors"). */
export const PROBLEM_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'RFC 9457 problem details; statusCode, error and message are v1 members kept for this version',
  required: ['type', 'title', 'status', 'detail', 'statusCode', 'error', 'message'],
  properties: {
    type: { type: 'string', example: 'about:blank' },
    title: { type: 'string', example: 'Bad Request' },
    status: { type: 'integer', example: 400 },
    detail: { type: 'string', example: 'customer.phone must be a string' },
    instance: { type: 'string', example: '/v1/tickets' },
    errors: {
      type: 'array',
      description: 'on a 400 from validation: each failed rule of each field',
      items: {
        type: 'object',
        required: ['field', 'rule', 'detail'],
        properties: {
          field: { type: 'string', example: 'customer.phone' },
          rule: { type: 'string', example: 'isString' },
          detail: { type: 'string', example: 'customer.phone must be a string' },
        },
      },
    },
    statusCode: { type: 'integer', example: 400 },
    error: { type: 'string', example: 'Bad Request' },
    message: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], example: ['customer.phone must be a string'] },
  },
};

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };

const HEADERS: Record<string, HeaderObject> = {
  ETag: { description: 'the resource\'s version as a strong ETag, e.g. "3": send it back in If-Match', schema: { type: 'string' } },
  Location: { description: 'the created resource', schema: { type: 'string' } },
  'Idempotent-Replayed': { description: '`true` when this is the first answer to the same Idempotency-Key and body, given again', schema: { type: 'string', enum: ['true'] } },
  'Retry-After': { description: 'seconds to wait before sending again', schema: { type: 'integer' } },
  [AS_OF_HEADER]: { description: 'with `?asOf=`: the instant the answer is folded up to (ISO 8601, UTC)', schema: { type: 'string', format: 'date-time' } },
  [AS_OF_POSITION_HEADER]: {
    description: 'with `?asOf=`: the position of the last event the answer includes (the service says which positions); absent when it includes none',
    schema: { type: 'string' },
  },
};

// headers every route takes and none requires
const OPTIONAL_HEADERS = ['x-correlation-id', 'idempotency-key'];

const WHY: Record<number, string> = {
  304: 'If-None-Match holds the current ETag: headers only',
  400: 'a parameter, header or body field breaks its rule (each named in `errors` / `message`)',
  401: 'no token, or one that is not valid',
  403: 'the role may not do this',
  404: 'no such resource (or not visible to the caller)',
  409: "the command is not allowed in the resource's current state, or conflicts with another",
  412: 'If-Match is stale: the resource changed since it was read; nothing changed',
  413: 'the body is over the limit',
  415: 'the body is not JSON (or not UTF-8)',
  422: 'the Idempotency-Key was used before with another request',
  428: 'If-Match is required on this route',
  429: 'too many writes by this caller: see Retry-After',
  500: 'a fault of the service (logged; no detail given)',
  503: 'a dependency (PostgreSQL) is unreachable: see Retry-After',
};

/**
 * Completes every operation of a Nest-generated document from its route's {@link RouteFacts}: the success
 * response (with ETag, Location, Idempotent-Replayed), every error status the kit can answer with the
 * Problem schema, query parameters optional (every one of this API is a filter or a page), an
 * operation summary. Responses a route declared itself stay as declared.
 */
export function completeOperations(document: OpenAPIObject, factsOf: (operationId: string) => RouteFacts | undefined): void {
  document.components = { ...document.components, schemas: { ...document.components?.schemas, Problem: PROBLEM_SCHEMA } };
  for (const path of Object.keys(document.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation = document.paths[path][method];
      const facts = operation?.operationId ? factsOf(operation.operationId) : undefined;
      if (operation && facts) completeOperation(operation, path, facts);
    }
  }
}

function completeOperation(operation: OperationObject, path: string, facts: RouteFacts): void {
  // a handler's `@Headers('x-correlation-id')` reads as a required header: headers a client may leave out are
  // optional, each named once (case aside)
  const seen = new Set<string>();
  const parameters = ((operation.parameters ?? []) as ParameterObject[]).filter(
    (parameter) => parameter.in !== 'header' || (!seen.has(parameter.name.toLowerCase()) && seen.add(parameter.name.toLowerCase())),
  );
  if (operation.parameters) operation.parameters = parameters;
  for (const parameter of parameters) {
    if (parameter.in === 'query' || (parameter.in === 'header' && OPTIONAL_HEADERS.includes(parameter.name.toLowerCase()))) parameter.required = false;
  }
  operation.summary ??= summaryOf(operation.operationId!);
  // the document requires the bearer token everywhere; a public route overrides it with none
  if (facts.isPublic) operation.security = [];
  const responses = operation.responses as Record<string, ResponseObject>;

  const success = Object.keys(responses).find((status) => status.startsWith('2')) ?? String(facts.successStatus ?? (facts.method === 'post' ? 201 : 200));
  // `@ApiAnswer` declares the body without a status: it is the route's success, whatever its status
  const declared = responses[ANSWER_STATUS];
  delete responses[ANSWER_STATUS];
  const answer = (responses[success] ??= { ...declared, description: declared?.description || (STATUS_CODES[Number(success)] ?? 'Success') });
  const headers = (answer.headers ??= {});
  if (facts.versionedRead || facts.ifMatch || facts.creates) headers.ETag ??= HEADERS.ETag;
  if (facts.creates) headers.Location ??= HEADERS.Location;
  if (facts.method === 'post') headers['Idempotent-Replayed'] ??= HEADERS['Idempotent-Replayed'];
  if (facts.asOfRead) {
    headers[AS_OF_HEADER] ??= HEADERS[AS_OF_HEADER];
    headers[AS_OF_POSITION_HEADER] ??= HEADERS[AS_OF_POSITION_HEADER];
  }

  const write = facts.method !== 'get';
  const takesInput = parameters.length > 0 || operation.requestBody !== undefined || write;
  const errors = [
    ...(facts.versionedRead ? [304] : []),
    ...(takesInput ? [400] : []),
    ...(facts.isPublic ? [] : [401]),
    ...(/\{[^}]+\}/.test(path) ? [404] : []),
    ...(write ? [409] : []),
    ...(facts.ifMatch ? [facts.ifMatch.staleStatus] : []),
    ...(operation.requestBody ? [413, 415] : []),
    ...(facts.method === 'post' ? [422] : []),
    ...(facts.ifMatch?.required ? [428] : []),
    ...(write ? [429] : []),
    500,
    503,
  ];
  for (const status of errors) {
    const existing = responses[String(status)];
    if (status === 304) {
      responses['304'] ??= { description: WHY[304], headers: { ETag: HEADERS.ETag } };
      continue;
    }
    const response = (responses[String(status)] = { ...existing, description: existing?.description ?? WHY[status] ?? STATUS_CODES[status] ?? 'Error' });
    response.content = { 'application/problem+json': { schema: PROBLEM_REF } };
    if (status === 429 || status === 503) response.headers = { ...response.headers, 'Retry-After': HEADERS['Retry-After'] };
  }
  if (responses['403']) responses['403'] = { ...responses['403'], content: { 'application/problem+json': { schema: PROBLEM_REF } } };
}

// `TicketController_acceptQuote` -> `accept quote`
function summaryOf(operationId: string): string {
  const name = operationId.slice(operationId.indexOf('_') + 1);
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}
