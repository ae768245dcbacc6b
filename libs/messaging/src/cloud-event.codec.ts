import { IHeaders } from 'kafkajs';
import { RecordedEvent, TraceContext } from '@support/contracts';

/** A Kafka message as the outbox stores it and the relay sends it. */
export interface OutgoingMessage {
  topic: string;
  key: string;
  headers: Record<string, string>;
  value: unknown;
}

/** What the message of an event carries: none of what the database assigns, so it is known before the append. */
export type EncodedEvent = Pick<RecordedEvent, 'id' | 'type' | 'data' | 'occurredAt' | 'metadata' | 'streamId' | 'version' | 'hash' | 'trace'>;

/** An event as a consumer receives it, decoded from CloudEvents binary mode. */
export interface ConsumedEvent<Data = unknown> {
  id: string;
  type: string;
  source: string;
  subject: string;
  time: string;
  data: Data;
  streamVersion: number;
  causationId: string | null;
  correlationId: string | null;
  actor: { id: string; role: string };
  auditHash: string | null;
  topic: string;
  partition: number;
  offset: string;
  /**
   * In a batch (`handleBatch`), the trace context of this event's own CONSUMER span: the batch runs in no
   * one event's span, so what a handler decides because of this event carries it (a `Cause`'s `trace`).
   * One event at a time, the handler runs in its span and this is absent.
   */
  trace?: TraceContext;
}

/**
 * CloudEvents 1.0 binary mode: the envelope in `ce_*` headers, the event data as the JSON value.
 * Extension names are the catalogue's documented ones (lower case, no separators, as the spec asks),
 * with the CloudEvents distributed-tracing extension (`traceparent`, `tracestate`) when the event has a trace.
 * Written by hand rather than through the cloudevents package, whose event object cost more than the rest
 * of an append's work in the process; its unit spec holds the package's own encoding as the reference.
 */
export function toKafkaMessage(event: EncodedEvent, source: string, topic: string): OutgoingMessage {
  const { causationId, correlationId, actor } = event.metadata;
  const headers: Record<string, string> = {
    'content-type': JSON_CONTENT,
    ce_id: event.id,
    ce_time: event.occurredAt.toISOString(),
    ce_type: event.type,
    ce_source: source,
    ce_specversion: '1.0',
    ce_datacontenttype: JSON_CONTENT,
    ce_subject: event.streamId,
    ce_streamversion: String(event.version),
    // absent extensions are left out, as the spec asks of unset attributes
    ...(causationId ? { ce_causationid: causationId } : {}),
    ...(correlationId ? { ce_correlationid: correlationId } : {}),
    ce_actorid: actor.id,
    ce_actorrole: actor.role,
    ce_audithash: event.hash,
    // the distributed-tracing extension: the trace the event was decided in, when tracing is on
    ...traceHeaders(event.trace),
  };
  return { topic, key: event.streamId, headers, value: event.data };
}

const JSON_CONTENT = 'application/json';

/**
 * Reads a CloudEvent in Kafka binary mode. Decoded by hand rather than with the cloudevents package,
 * whose per-message validation cost more than everything else a projection rebuild does per event;
 * the checks that matter here are kept: spec version 1.0, the required attributes, JSON data.
 */
export function fromKafkaMessage(
  message: { key: Buffer | null; value: Buffer | null; headers?: IHeaders },
  where: { topic: string; partition: number; offset: string },
): ConsumedEvent {
  const header = (name: string): string | null => headerString(message.headers?.[name]) || null;
  const required = (name: string): string => {
    const value = header(name);
    if (value === null) throw new Error(`${name} header is missing`);
    return value;
  };
  const specVersion = required('ce_specversion');
  if (specVersion !== '1.0') throw new Error(`ce_specversion ${specVersion} is not 1.0`);
  const contentType = header('content-type');
  if (contentType !== null && !/json/i.test(contentType)) throw new Error(`content-type ${contentType} is not JSON`);
  const value = message.value?.toString('utf8') ?? '';
  return {
    id: required('ce_id'),
    type: required('ce_type'),
    source: required('ce_source'),
    subject: header('ce_subject') ?? message.key?.toString() ?? '',
    time: header('ce_time') ?? '',
    data: value === '' ? null : JSON.parse(value),
    streamVersion: Number(header('ce_streamversion') ?? 0),
    causationId: header('ce_causationid'),
    correlationId: header('ce_correlationid'),
    actor: { id: header('ce_actorid') ?? 'unknown', role: header('ce_actorrole') ?? 'unknown' },
    auditHash: header('ce_audithash'),
    ...where,
  };
}

/** a header's text as kafkajs hands it over (a buffer, a string, or a list of them); '' when absent */
export function headerString(value: unknown): string {
  if (Array.isArray(value)) return headerString(value[0]);
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return value === undefined || value === null ? '' : String(value);
}

/** the CloudEvents distributed-tracing extension in Kafka binary mode */
export const TRACEPARENT_HEADER = 'ce_traceparent';
export const TRACESTATE_HEADER = 'ce_tracestate';

/** the extension's headers for a trace context (none without one) */
export function traceHeaders(trace: TraceContext | undefined): Record<string, string> {
  if (!trace) return {};
  return trace.tracestate ? { [TRACEPARENT_HEADER]: trace.traceparent, [TRACESTATE_HEADER]: trace.tracestate } : { [TRACEPARENT_HEADER]: trace.traceparent };
}

/** the trace context a message's headers carry, if any */
export function traceContextOf(headers: IHeaders | Record<string, string> | undefined): TraceContext | undefined {
  const traceparent = headerString(headers?.[TRACEPARENT_HEADER]);
  if (!traceparent) return undefined;
  const tracestate = headerString(headers?.[TRACESTATE_HEADER]);
  return tracestate ? { traceparent, tracestate } : { traceparent };
}
