import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { Actor, eventCatalogue } from '@support/contracts';
import { toKafkaMessage } from '@support/messaging';
import { testKafkaOptions } from './test-kafka';

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
}

/**
 * Publishes events as another service's relay would (CloudEvents binary mode, to the catalogue's topic),
 * so a test can feed a consumer without running the producing service. Returns the event ids.
 */
export async function publishEvents(events: readonly ForeignEvent[]): Promise<string[]> {
  const producer = new Kafka({ clientId: 'test-publisher', ...testKafkaOptions(), logLevel: logLevel.NOTHING }).producer({
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    const ids: string[] = [];
    for (const event of events) {
      const id = event.id ?? randomUUID();
      const topic = eventCatalogue.definition(event.type).topic;
      const recorded = {
        id,
        type: event.type,
        data: event.data,
        occurredAt: event.occurredAt ?? new Date(),
        metadata: { actor: event.actor ?? { id: event.source, role: 'service' as const }, causationId: null, correlationId: event.correlationId ?? id },
        streamId: event.streamId,
        streamType: event.source,
        version: 1,
        globalPosition: '0',
        transactionId: '0',
        prevHash: '0'.repeat(64),
        hash: '0'.repeat(64),
      };
      const message = toKafkaMessage(recorded, event.source, topic);
      await producer.send({ topic, messages: [{ key: message.key, value: JSON.stringify(message.value), headers: message.headers }] });
      ids.push(id);
    }
    return ids;
  } finally {
    await producer.disconnect();
  }
}
