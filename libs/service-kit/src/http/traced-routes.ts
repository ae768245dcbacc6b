import { context, Context, trace } from '@opentelemetry/api';
import { FastifyInstance, FastifyRequest } from 'fastify';
import { tracingStarted } from '../tracing/tracing-state';

/**
 * With tracing on, names each request's server span (started by the http instrumentation) by its route,
 * `POST /v1/tickets/:id/close` rather than `POST`, and keeps the request in that span's context where
 * fastify goes on once the body is read (a stream's events may come in another async context, see
 * request-context.ts). With tracing off, adds nothing.
 */
export function traceRoutes(fastify: FastifyInstance): void {
  if (!tracingStarted()) return;
  const contexts = new WeakMap<FastifyRequest, Context>();
  fastify.addHook('onRequest', (request, _reply, done) => {
    const active = context.active();
    const span = trace.getSpan(active);
    const route = request.routeOptions.url;
    if (span && route) {
      span.updateName(`${request.method} ${route}`);
      span.setAttribute('http.route', route);
    }
    contexts.set(request, active);
    done();
  });
  fastify.addHook('preValidation', (request, _reply, done) => {
    const saved = contexts.get(request);
    if (saved) context.with(saved, done);
    else done();
  });
}
