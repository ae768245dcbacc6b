import { Attributes, context, Context, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { IHeaders } from 'kafkajs';
import { TraceContext } from '@support/contracts';
import { headerString, traceContextOf, traceHeaders } from './cloud-event.codec';

// the CloudEvents distributed-tracing extension is W3C trace context whatever OTEL_PROPAGATORS says
const w3c = new W3CTraceContextPropagator();
const tracer = trace.getTracer('@support/messaging');

/**
 * The trace context active where this is called (a request's server span, a consumer's span), or
 * undefined when there is none: always so with tracing off, where this costs one lookup.
 */
export function activeTraceContext(): TraceContext | undefined {
  return traceContextIn(context.active());
}

function traceContextIn(active: Context): TraceContext | undefined {
  if (!trace.getSpanContext(active)) return undefined;
  const carrier: Record<string, string> = {};
  w3c.inject(active, carrier, { set: (into, key, value) => (into[key] = value) });
  if (!carrier.traceparent) return undefined;
  return carrier.tracestate ? { traceparent: carrier.traceparent, tracestate: carrier.tracestate } : { traceparent: carrier.traceparent };
}

/** the context whose (remote) parent span a trace context names; undefined when it names none valid */
function contextOf(traceContext: TraceContext): Context | undefined {
  const extracted = w3c.extract(ROOT_CONTEXT, traceContext, { get: (from, key) => from[key as keyof TraceContext], keys: (from) => Object.keys(from) });
  return trace.getSpanContext(extracted) ? extracted : undefined;
}

// an absent header is no attribute
function headerText(value: unknown): string | undefined {
  return headerString(value) || undefined;
}

/** what a span of a Kafka message says about it (OpenTelemetry's messaging conventions) */
function messageAttributes(operation: 'send' | 'process', topic: string, headers: IHeaders | Record<string, string> | undefined, extra: Attributes): Attributes {
  return {
    'messaging.system': 'kafka',
    'messaging.operation.type': operation,
    'messaging.destination.name': topic,
    'messaging.message.id': headerText(headers?.ce_id),
    'cloudevents.event_id': headerText(headers?.ce_id),
    'cloudevents.event_type': headerText(headers?.ce_type),
    'cloudevents.event_source': headerText(headers?.ce_source),
    'cloudevents.event_subject': headerText(headers?.ce_subject),
    ...extra,
  };
}

/** Spans begun together, ended together (a relay's send, a consumer's chunk). */
export interface MessageSpans {
  end(error?: unknown): void;
}

const NO_SPANS: MessageSpans = { end: () => undefined };

function ending(spans: Span[]): MessageSpans {
  if (spans.length === 0) return NO_SPANS;
  return {
    end(error?: unknown) {
      for (const span of spans) {
        if (error !== undefined) failed(span, error);
        span.end();
      }
    },
  };
}

function failed(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/** marks the active span (a consumer's, handling an event it parks) as failed; nothing without one */
export function failedInTrace(error: unknown): void {
  const span = trace.getActiveSpan();
  if (span) failed(span, error);
}

/**
 * A PRODUCER span for each message of a send that carries a trace context (the one its event was decided
 * in), a child of it; the message then names its send as the parent of whoever consumes it. Messages
 * without one (tracing off when they were written) go as they are, at no cost.
 */
export function tracePublishing<Message extends { topic: string; headers: Record<string, string> }>(
  messages: Message[],
  attributes: Attributes,
): { messages: Message[]; spans: MessageSpans } {
  const spans: Span[] = [];
  const traced = messages.map((message) => {
    const stored = traceContextOf(message.headers);
    const parent = stored && contextOf(stored);
    if (!parent) return message;
    const span = tracer.startSpan(`send ${message.topic}`, { kind: SpanKind.PRODUCER, attributes: messageAttributes('send', message.topic, message.headers, attributes) }, parent);
    spans.push(span);
    const sent = traceContextIn(trace.setSpan(parent, span)) ?? stored;
    return { ...message, headers: { ...message.headers, ...traceHeaders(sent) } };
  });
  return spans.length === 0 ? { messages, spans: NO_SPANS } : { messages: traced, spans: ending(spans) };
}

/**
 * Runs a message's handling inside a CONSUMER span, a child of the send that its headers name, so what the
 * handler decides (a reactor's command, its events' messages) continues the trace. Without a trace
 * context in the headers the handling runs as it is.
 */
export async function inConsumerSpan<T>(headers: IHeaders | undefined, topic: string, attributes: Attributes, handle: () => Promise<T>): Promise<T> {
  const stored = traceContextOf(headers);
  const parent = stored && contextOf(stored);
  if (!parent) return handle();
  const span = tracer.startSpan(`process ${topic}`, { kind: SpanKind.CONSUMER, attributes: messageAttributes('process', topic, headers, attributes) }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), handle);
  } catch (error) {
    failed(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** A chunk's CONSUMER spans, and each message's span as a trace context (in the messages' order; undefined where it has none). */
export interface ChunkSpans extends MessageSpans {
  traces: ReadonlyArray<TraceContext | undefined>;
}

/**
 * CONSUMER spans for a chunk of messages handled together (a batch), each a child of its message's send.
 * The chunk's handling runs in none of them, as it is no one message's: what a handler decides because
 * of one message continues that message's span through `traces`.
 */
export function startConsumerSpans(messages: ReadonlyArray<{ headers?: IHeaders }>, topic: string, attributes: Attributes): ChunkSpans {
  const spans: Span[] = [];
  const traces = messages.map((message) => {
    const stored = traceContextOf(message.headers);
    const parent = stored && contextOf(stored);
    if (!parent) return undefined;
    const span = tracer.startSpan(`process ${topic}`, { kind: SpanKind.CONSUMER, attributes: messageAttributes('process', topic, message.headers, attributes) }, parent);
    spans.push(span);
    return traceContextIn(trace.setSpan(parent, span));
  });
  return { ...ending(spans), traces };
}
