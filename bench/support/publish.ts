import { randomUUID } from 'node:crypto';
import { Kafka, Partitioners } from 'kafkajs';
import { eventCatalogue, RecordedEvent, TOPIC_OWNERS } from '@support/contracts';
import { toKafkaMessage } from '@support/messaging';

/** An event as another service would publish it: type, aggregate id (the key) and data; when it happened (left out: now). */
export interface PublishedEvent {
  type: string;
  streamId: string;
  data: object;
  occurredAt?: Date;
}

/**
 * Publishes events as the owning services' relays would (CloudEvents binary mode, the catalogue's topic),
 * 500 to a request, so a benchmark can give a service a roster or a history without running its owner.
 */
export async function publishAsOwners(kafka: Kafka, events: PublishedEvent[]): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const at = new Date();
  try {
    for (let start = 0; start < events.length; start += 500) {
      const byTopic = new Map<string, Array<{ key: string; value: string; headers: Record<string, string> }>>();
      for (const { type, streamId, data, occurredAt } of events.slice(start, start + 500)) {
        const id = randomUUID();
        const recorded: RecordedEvent = {
          id,
          type,
          data,
          occurredAt: occurredAt ?? at,
          metadata: { actor: { id: 'bench', role: 'service' }, causationId: null, correlationId: id },
          streamId,
          streamType: 'bench',
          version: 1,
          globalPosition: '0',
          transactionId: '0',
          prevHash: '0'.repeat(64),
          hash: '0'.repeat(64),
        };
        const topic = eventCatalogue.definition(type).topic;
        const message = toKafkaMessage(recorded, TOPIC_OWNERS[topic] ?? 'bench', topic);
        byTopic.set(topic, [...(byTopic.get(topic) ?? []), { key: message.key, value: JSON.stringify(message.value), headers: message.headers }]);
      }
      await producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    }
  } finally {
    await producer.disconnect();
  }
}
