import { randomUUID } from 'node:crypto';
import { IHeaders, KafkaMessage, Partitioners } from 'kafkajs';
import { MessagingClient } from './kafka-client';
import { withTopicAdmin } from './topic-admin';

/** A message as a plain reader of a topic sees it. */
export interface TopicMessage {
  topic: string;
  partition: number;
  offset: string;
  /** when the broker took it (the producer's time), ISO 8601 */
  timestamp: string;
  key: string | null;
  headers: Record<string, string>;
  value: Buffer | null;
}

/** A message to publish as is: any key, value and headers (a test's foreign or broken message, say). */
export interface RawMessage {
  topic: string;
  key: string | null;
  value: string | Buffer | null;
  headers?: Record<string, string>;
}

/** Publishes messages as they are, one after the other, keyed as any Kafka client would (murmur2), bypassing the outbox. */
export async function publishRaw(client: MessagingClient, messages: readonly RawMessage[]): Promise<void> {
  const producer = client.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (const { topic, key, value, headers } of messages) await producer.send({ topic, messages: [{ key, value, headers }] });
  } finally {
    await producer.disconnect();
  }
}

/**
 * Every message of a topic from offset 0 up to its end as it is when called, read in a throw-away group
 * (deleted afterwards), in offset order per partition.
 */
export async function readTopicFromStart(client: MessagingClient, topic: string, { timeoutMs = 120_000 } = {}): Promise<TopicMessage[]> {
  const messages: TopicMessage[] = [];
  await scanTopicFromStart(client, topic, (message) => messages.push(message), { timeoutMs });
  return messages;
}

/** {@link readTopicFromStart} without keeping the messages: each is handed to `onMessage` as it is read (a topic too large to hold). */
export async function scanTopicFromStart(client: MessagingClient, topic: string, onMessage: (message: TopicMessage) => void, { timeoutMs = 120_000 } = {}): Promise<void> {
  await scanKafkaMessages(client, topic, (partition, message) => onMessage(topicMessage(topic, partition, message)), { groupId: `reader.${randomUUID()}`, timeoutMs });
}

/**
 * Every message of a topic from offset 0 up to its end as it is when called, handed to `onMessage` in
 * offset order per partition, from the group `groupId`: a throw-away group that commits nothing and is
 * deleted afterwards, so no group a service follows moves.
 */
export async function scanKafkaMessages(
  client: MessagingClient,
  topic: string,
  onMessage: (partition: number, message: KafkaMessage) => void,
  { groupId, timeoutMs = 120_000 }: { groupId: string; timeoutMs?: number },
): Promise<void> {
  const ends = await withTopicAdmin(client, (admin) => admin.topicOffsets(topic));
  const pending = new Map(ends.filter((e) => e.high > e.low).map((e) => [e.partition, e.high]));
  if (pending.size === 0) return;
  const consumer = client.consumer({ groupId, maxBytes: 50 * 1024 * 1024, maxWaitTimeInMs: 250 });
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const end = pending.get(batch.partition);
        for (const message of batch.messages) {
          if (end === undefined || Number(message.offset) >= end) break;
          onMessage(batch.partition, message);
          if (Number(message.offset) >= end - 1) pending.delete(batch.partition);
        }
        if (pending.size === 0) finished();
      },
    });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`reading ${topic}: partitions ${[...pending.keys()]} not read to their end in ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([done, timeout]);
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
    await withTopicAdmin(client, (admin) => admin.deleteGroups([groupId])).catch(() => undefined);
  }
}

/** A topic followed from its end: what is published after it started. */
export interface TopicFollower {
  stop(): Promise<void>;
}

/** Hands every message published to the topic from now on to `onMessage`, from a throw-away group. */
export async function followTopic(client: MessagingClient, topic: string, onMessage: (message: TopicMessage) => void): Promise<TopicFollower> {
  const offsets = await withTopicAdmin(client, (admin) => admin.topicOffsets(topic));
  const groupId = `follower.${randomUUID()}`;
  const consumer = client.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  let ready!: () => void;
  const assigned = new Promise<void>((resolve) => (ready = resolve));
  consumer.on(consumer.events.GROUP_JOIN, () => ready());
  await consumer.run({ eachMessage: async ({ partition, message }) => onMessage(topicMessage(topic, partition, message)) });
  await assigned;
  // the ends seen before joining: nothing published meanwhile is missed
  for (const { partition, high } of offsets) consumer.seek({ topic, partition, offset: String(high) });
  return {
    async stop() {
      await consumer.disconnect();
      await withTopicAdmin(client, (admin) => admin.deleteGroups([groupId])).catch(() => undefined);
    },
  };
}

function topicMessage(topic: string, partition: number, message: KafkaMessage): TopicMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    timestamp: new Date(Number(message.timestamp)).toISOString(),
    key: message.key?.toString() ?? null,
    headers: headerStrings(message.headers),
    value: message.value,
  };
}

function headerStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const one = Array.isArray(value) ? value[0] : value;
    if (one !== undefined && one !== null) out[name] = Buffer.isBuffer(one) ? one.toString('utf8') : String(one);
  }
  return out;
}
