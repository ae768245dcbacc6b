import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { testKafkaOptions } from '@support/test-kit';

export interface TopicMessage {
  partition: number;
  offset: string;
  /** when the broker took it (the producer's time) */
  timestamp: string;
  key: string | null;
  headers: Record<string, string>;
  value: Buffer | null;
}

function client(brokers: string[]): Kafka {
  // as the operator (admin): it reads every topic and rewinds the services' groups
  return new Kafka({ clientId: 'fault-suite', ...testKafkaOptions(), brokers, logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 300 } });
}

/** Every message of a topic from offset 0 up to its end as it is when called, as any other reader would see it. */
export async function readTopic(brokers: string[], topic: string, timeoutMs = 120_000): Promise<TopicMessage[]> {
  const kafka = client(brokers);
  const admin = kafka.admin();
  await admin.connect();
  let ends: Awaited<ReturnType<typeof admin.fetchTopicOffsets>>;
  try {
    ends = await admin.fetchTopicOffsets(topic);
  } catch (error) {
    // e.g. a dead-letter topic nothing was parked on yet: an open admin would keep jest from exiting
    await admin.disconnect();
    throw error;
  }
  const pending = new Map(ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => [e.partition, Number(e.high)]));
  const messages: TopicMessage[] = [];
  if (pending.size === 0) {
    await admin.disconnect();
    return messages;
  }
  const groupId = `fault-suite.reader.${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, maxBytes: 50 * 1024 * 1024 });
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const end = pending.get(batch.partition);
      for (const m of batch.messages) {
        if (end === undefined || Number(m.offset) >= end) break;
        messages.push({ partition: batch.partition, offset: m.offset, timestamp: new Date(Number(m.timestamp)).toISOString(), key: m.key?.toString() ?? null, headers: headerStrings(m.headers), value: m.value });
        if (Number(m.offset) >= end - 1) pending.delete(batch.partition);
      }
      if (pending.size === 0) finished();
    },
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      done,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`reading ${topic}: partitions ${[...pending.keys()]} not read to their end in ${timeoutMs} ms`)), timeoutMs))),
    ]);
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
  return messages;
}

function headerStrings(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const one = Array.isArray(value) ? value[0] : value;
    if (one !== undefined && one !== null) out[name] = Buffer.isBuffer(one) ? one.toString('utf8') : String(one);
  }
  return out;
}

/**
 * Moves a consumer group (no member running) back to offset 0 of each topic that holds messages, and
 * returns the offsets it then has. An empty topic is left out: offset 0 is where the group is on it
 * anyway, and kafkajs' resetOffsets costs a consumer session of ~5 s per topic.
 */
export async function rewindGroup(brokers: string[], groupId: string, topics: string[]): Promise<Array<{ topic: string; partition: number; offset: string }>> {
  const admin = client(brokers).admin();
  await admin.connect();
  try {
    const withMessages: string[] = [];
    for (const topic of topics) if ((await admin.fetchTopicOffsets(topic)).some((p) => Number(p.high) > 0)) withMessages.push(topic);
    for (const topic of withMessages) await admin.resetOffsets({ groupId, topic, earliest: true });
    const committed = await admin.fetchOffsets({ groupId, topics: withMessages });
    return committed.flatMap(({ topic, partitions }) => partitions.map(({ partition, offset }) => ({ topic, partition, offset })));
  } finally {
    await admin.disconnect();
  }
}

export interface GroupPosition {
  group: string;
  state: string;
  members: number;
  /** partitions whose committed offset is short of `target` */
  behind: Array<{ topic: string; partition: number; committed: number; target: number }>;
}

/** Every topic's end offsets now, per partition. */
export async function topicEnds(brokers: string[], topics: string[]): Promise<Map<string, Map<number, number>>> {
  const admin = client(brokers).admin();
  await admin.connect();
  try {
    const ends = new Map<string, Map<number, number>>();
    for (const topic of topics) ends.set(topic, new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)])));
    return ends;
  } finally {
    await admin.disconnect();
  }
}

/** Where each consumer group is: its state, its members, and how far it is from `targets` (committed offsets). */
export async function groupPositions(brokers: string[], groups: Record<string, string[]>, targets: Map<string, Map<number, number>>): Promise<GroupPosition[]> {
  const admin = client(brokers).admin();
  await admin.connect();
  try {
    const described = new Map((await admin.describeGroups(Object.keys(groups))).groups.map((g) => [g.groupId, g]));
    const positions: GroupPosition[] = [];
    for (const [group, topics] of Object.entries(groups)) {
      const committed = await admin.fetchOffsets({ groupId: group, topics });
      const behind: GroupPosition['behind'] = [];
      for (const { topic, partitions } of committed) {
        for (const { partition, offset } of partitions) {
          const target = targets.get(topic)?.get(partition) ?? 0;
          if (target > 0 && Number(offset) < target) behind.push({ topic, partition, committed: Number(offset), target });
        }
      }
      positions.push({ group, state: described.get(group)?.state ?? 'Unknown', members: described.get(group)?.members.length ?? 0, behind });
    }
    return positions;
  } finally {
    await admin.disconnect();
  }
}

/** Messages that are not CloudEvents at all: random bytes, no headers. */
export async function produceGarbage(brokers: string[], messages: Array<{ topic: string; key: string; value: Buffer }>): Promise<void> {
  const producer = client(brokers).producer();
  await producer.connect();
  try {
    for (const { topic, key, value } of messages) await producer.send({ topic, messages: [{ key, value }] });
  } finally {
    await producer.disconnect();
  }
}
