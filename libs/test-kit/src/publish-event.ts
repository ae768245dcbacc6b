import { randomUUID } from 'node:crypto';
import { Actor, eventCatalogue } from '@support/contracts';
import { publishRaw, RawMessage, toKafkaMessage } from '@support/messaging';
import { testMessagingClient } from './test-kafka';

/** An event another service would publish: its type, data, aggregate id and who caused it. */
export interface ForeignEvent {
  type: string;
  data: unknown;
  /** the aggregate id (Kafka key) */
  streamId: string;
  /** the publishing service (ce_source) */
  source: string;
  actor?: Actor;
  id?: string;
  /** when it happened (ce_time); default now */
  occurredAt?: Date;
  /** default: the event's own id */
  correlationId?: string;
  /** the event it was caused by (ce_causationid); default none */
  causationId?: string;
}

/**
 * Publishes events as another service's relay would (CloudEvents binary mode, to the catalogue's topic),
 * so a test can feed a consumer without running the producing service. Returns the event ids.
 */
export async function publishEvents(events: readonly ForeignEvent[]): Promise<string[]> {
  const ids: string[] = [];
  const messages: RawMessage[] = [];
  for (const event of events) {
    const id = event.id ?? randomUUID();
    const topic = eventCatalogue.definition(event.type).topic;
    const recorded = {
      id,
      type: event.type,
      data: event.data,
      occurredAt: event.occurredAt ?? new Date(),
      metadata: { actor: event.actor ?? { id: event.source, role: 'service' as const }, causationId: event.causationId ?? null, correlationId: event.correlationId ?? id },
      streamId: event.streamId,
      streamType: event.source,
      version: 1,
      globalPosition: '0',
      transactionId: '0',
      prevHash: '0'.repeat(64),
      hash: '0'.repeat(64),
    };
    const message = toKafkaMessage(recorded, event.source, topic);
    messages.push({ topic, key: message.key, value: JSON.stringify(message.value), headers: message.headers });
    ids.push(id);
  }
  await publishRaw(testMessagingClient('test-publisher'), messages);
  return ids;
}
