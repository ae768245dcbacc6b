import { randomUUID } from 'node:crypto';
import { Admin, ConsumerConfig, Kafka, KafkaMessage } from 'kafkajs';
import { defineEvent, EventCatalogue, EventMetadata, NewEvent } from '@support/contracts';

export const THING_HAPPENED = 'test.thing-happened.v1';
export const actor = { id: 'member-7', role: 'agent' as const };

/** a catalogue with one event type whose topic is unique to the test */
export function testCatalogue(topic: string): EventCatalogue {
  return new EventCatalogue([
    defineEvent({
      type: THING_HAPPENED,
      topic,
      aggregate: 'thing',
      description: 'something happened to a thing (messaging int tests only)',
      schema: {
        type: 'object',
        required: ['n'],
        properties: { n: { type: 'integer', minimum: 0 }, note: { type: 'string' } },
        additionalProperties: false,
      },
    }),
  ]);
}

export function thingHappened(data: { n: number; note?: string } | Record<string, unknown>, metadata: Partial<EventMetadata> = {}): NewEvent {
  return {
    id: randomUUID(),
    type: THING_HAPPENED,
    data,
    occurredAt: new Date(Date.UTC(2026, 10, 23, 10, 0, 0, Math.floor(Math.random() * 1000))),
    metadata: { actor, causationId: null, correlationId: null, ...metadata },
  };
}

export function uniqueName(prefix: string): string {
  return `${prefix}.${randomUUID().slice(0, 8)}`;
}

/** polls until the check holds; fails with `what` when the deadline passes */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** messages in a topic: the sum of (high - low) watermarks over its partitions */
export async function topicSize(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
}

/** true when the group has committed, on every non-empty partition, the offset after the last message */
export async function groupCaughtUp(admin: Admin, groupId: string, topic: string): Promise<boolean> {
  const [ends, [committed]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  return ends.every((end) => {
    if (Number(end.high) === Number(end.low)) return true;
    const at = committed?.partitions.find((p) => p.partition === end.partition);
    return at !== undefined && Number(at.offset) >= Number(end.high);
  });
}

/**
 * The same client, but its consumers long-poll for 250 ms instead of kafkajs' 5 s, so that a
 * consumer that is stopped (it waits for the fetch in flight) stops quickly.
 */
export function withShortPolls(kafka: Kafka, maxWaitTimeInMs = 250): Kafka {
  return Object.assign(Object.create(kafka) as Kafka, {
    consumer: (config: ConsumerConfig) => kafka.consumer({ maxWaitTimeInMs, ...config }),
  });
}

export interface ReadMessage {
  partition: number;
  offset: string;
  key: string;
  headers: Record<string, string>;
  value: unknown;
  raw: KafkaMessage;
}

/**
 * Everything in a topic, read by a plain kafkajs consumer in a throw-away group, up to the high
 * watermarks seen when called. Messages come in offset order per partition.
 */
export async function readTopic(kafka: Kafka, admin: Admin, topic: string, timeoutMs = 30_000): Promise<ReadMessage[]> {
  const ends = await admin.fetchTopicOffsets(topic);
  const pending = new Map(ends.filter((p) => Number(p.high) > Number(p.low)).map((p) => [p.partition, Number(p.high)]));
  const messages: ReadMessage[] = [];
  if (pending.size === 0) return messages;
  const groupId = uniqueName('test-reader');
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 250 });
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        messages.push({
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? '',
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)])),
          value: message.value ? JSON.parse(message.value.toString()) : null,
          raw: message,
        });
        const end = pending.get(partition);
        if (end !== undefined && Number(message.offset) + 1 >= end) {
          pending.delete(partition);
          if (pending.size === 0) finished();
        }
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`reading ${topic}: ${messages.length} messages after ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([done, timeout]).finally(() => clearTimeout(timer));
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return messages;
}

/** a stream's messages by key, each key's in offset order */
export function byKey(messages: ReadMessage[]): Map<string, ReadMessage[]> {
  const keys = new Map<string, ReadMessage[]>();
  for (const message of [...messages].sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset))) {
    keys.set(message.key, [...(keys.get(message.key) ?? []), message]);
  }
  return keys;
}
