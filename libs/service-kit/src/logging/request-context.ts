import { AsyncLocalStorage } from 'node:async_hooks';
import { FastifyInstance, FastifyRequest } from 'fastify';
import { CORRELATION_ID } from '../http/correlation-id';

/** What every log line written while a request is handled carries. */
export interface RequestLogContext {
  requestId: string;
  /** the client's `X-Correlation-Id`, when it gave a well-formed one */
  correlationId?: string;
}

const storage = new AsyncLocalStorage<RequestLogContext>();

/** The request being handled where this is called, if any (the kit's loggers add it to every line). */
export function currentRequestContext(): RequestLogContext | undefined {
  return storage.getStore();
}

/** the ids a request's log lines carry */
export function requestLogContextOf(request: Pick<FastifyRequest, 'id' | 'headers'>): RequestLogContext {
  const given = request.headers['x-correlation-id'];
  return typeof given === 'string' && CORRELATION_ID.test(given) ? { requestId: request.id, correlationId: given } : { requestId: request.id };
}

/**
 * Handles each request inside its {@link RequestLogContext}, so whatever logs while it is handled (Nest's
 * loggers, a service's own) names the request. Entered on arrival, and again where fastify goes on once the
 * body is read (a stream's events may come in another async context; @fastify/request-context does the same).
 */
export function bindRequestContext(fastify: FastifyInstance): void {
  const contexts = new WeakMap<FastifyRequest, RequestLogContext>();
  fastify.addHook('onRequest', (request, _reply, done) => {
    const context = requestLogContextOf(request);
    contexts.set(request, context);
    storage.run(context, done);
  });
  fastify.addHook('preValidation', (request, _reply, done) => {
    storage.run(contexts.get(request) ?? requestLogContextOf(request), done);
  });
}
