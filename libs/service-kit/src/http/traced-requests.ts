import { context, Context, propagation, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { FastifyInstance, FastifyRequest } from 'fastify';
import { tracingStarted } from '../tracing/tracing-state';

const tracer = trace.getTracer('@support/service-kit');

// probes and scrapes every few seconds would drown the traces
const UNTRACED = /^\/(health|metrics)(\/|\?|$)/;

/**
 * With tracing on, a SERVER span per request, named by its route (`POST /v1/tickets/:id/close`), the child
 * of the caller's `traceparent` when it sends one; the request is handled in its context, so a command
 * takes the request's trace with it (see commandContext). Made here rather than by the http
 * instrumentation, which cannot name spans by route and patches nothing where modules are loaded by
 * another loader (the tests' in-process services). With tracing off, adds no hook.
 */
export function traceRequests(fastify: FastifyInstance): void {
  if (!tracingStarted()) return;
  const traced = new WeakMap<FastifyRequest, { span: Span; context: Context }>();
  fastify.addHook('onRequest', (request, _reply, done) => {
    if (UNTRACED.test(request.url)) return done();
    const route = request.routeOptions.url;
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = tracer.startSpan(
      route ? `${request.method} ${route}` : request.method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          'url.path': request.url.split('?')[0],
          'url.scheme': request.protocol,
          ...(route ? { 'http.route': route } : {}),
          ...(request.headers['user-agent'] ? { 'user_agent.original': request.headers['user-agent'] } : {}),
        },
      },
      parent,
    );
    const active = trace.setSpan(parent, span);
    traced.set(request, { span, context: active });
    context.with(active, done);
  });
  // again where fastify goes on once the body is read (a stream's events may come in another async context)
  fastify.addHook('preValidation', (request, _reply, done) => {
    const entry = traced.get(request);
    if (entry) context.with(entry.context, done);
    else done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const entry = traced.get(request);
    if (entry) {
      entry.span.setAttribute('http.response.status_code', reply.statusCode);
      // a client's error is not the server's (OpenTelemetry's HTTP conventions)
      if (reply.statusCode >= 500) entry.span.setStatus({ code: SpanStatusCode.ERROR });
      entry.span.end();
      traced.delete(request);
    }
    done();
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    const entry = traced.get(request);
    if (entry) {
      entry.span.setStatus({ code: SpanStatusCode.ERROR, message: 'request aborted by the client' });
      entry.span.end();
      traced.delete(request);
    }
    done();
  });
}
