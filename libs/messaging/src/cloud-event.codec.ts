import { CloudEvent, Kafka } from 'cloudevents';
import { IHeaders } from 'kafkajs';
import { RecordedEvent } from '@support/contracts';

/** A Kafka message as the outbox stores it and the relay sends it. */
export interface OutgoingMessage {
  topic: string;
  key: string;
  headers: Record<string, string>;
  value: unknown;
}

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
}

/**
 * CloudEvents 1.0 binary mode: the envelope in `ce_*` headers, the event data as the JSON value.
 * Extension names are the catalogue's documented ones (lower case, no separators, as the spec asks).
 */
export function toKafkaMessage(event: RecordedEvent, source: string, topic: string): OutgoingMessage {
  const cloudEvent = new CloudEvent<unknown>({
    id: event.id,
    source,
    type: event.type,
    subject: event.streamId,
    time: event.occurredAt.toISOString(),
    datacontenttype: 'application/json',
    data: event.data,
    streamversion: String(event.version),
    // CloudEvents refuses undefined extension values: absent ones are left out
    ...(event.metadata.causationId ? { causationid: event.metadata.causationId } : {}),
    ...(event.metadata.correlationId ? { correlationid: event.metadata.correlationId } : {}),
    actorid: event.metadata.actor.id,
    actorrole: event.metadata.actor.role,
    audithash: event.hash,
  });
  const message = Kafka.binary(cloudEvent);
  const headers = Object.fromEntries(
    Object.entries(message.headers).filter(([, value]) => value !== undefined && value !== null).map(([name, value]) => [name, String(value)]),
  );
  return { topic, key: event.streamId, headers, value: event.data };
}

export function fromKafkaMessage(
  message: { key: Buffer | null; value: Buffer | null; headers?: IHeaders },
  where: { topic: string; partition: number; offset: string },
): ConsumedEvent {
  const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, headerString(value)]));
  const event = Kafka.toEvent({ key: message.key?.toString() ?? '', value: message.value ?? Buffer.alloc(0), headers, body: undefined, timestamp: undefined } as never) as CloudEvent<unknown>;
  const text = (name: string) => (event[name] === undefined ? null : String(event[name]));
  return {
    id: event.id,
    type: event.type,
    source: event.source,
    subject: event.subject ?? message.key?.toString() ?? '',
    time: event.time ?? '',
    data: typeof event.data === 'string' ? JSON.parse(event.data) : event.data,
    streamVersion: Number(event.streamversion ?? 0),
    causationId: text('causationid'),
    correlationId: text('correlationid'),
    actor: { id: text('actorid') ?? 'unknown', role: text('actorrole') ?? 'unknown' },
    auditHash: text('audithash'),
    ...where,
  };
}

function headerString(value: unknown): string {
  if (Array.isArray(value)) return headerString(value[0]);
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return value === undefined || value === null ? '' : String(value);
}
