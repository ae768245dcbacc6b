// Proves that kafkajs 2.2.4 (no release since 2023) works against the broker we run
// (deploy/local/kafka.sh: Apache Kafka 3.9.x, KRaft). Kafka 4 removed old protocol versions
// (KIP-896); if this suite ever fails after a broker upgrade, that is why.
import { randomUUID } from 'node:crypto';
import { Admin, Consumer, Kafka, logCreator, logLevel, Partitioners, Producer } from 'kafkajs';
import { KAFKA_ADMIN_PRINCIPAL, kafkaClientOptions } from '@support/messaging';
import { kafkaAs } from '@support/test-kit';

const PARTITIONS = 3;
const MESSAGES = 30;
const KEYS = ['ticket-a', 'ticket-b', 'ticket-c', 'ticket-d', 'ticket-e'];

interface Received {
  partition: number;
  offset: string;
  key: string;
  seq: number;
  headers: Record<string, string>;
}

function headerText(value: unknown): string {
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value)) return value.map(headerText).join(',');
  return String(value);
}

// The first consumer group on a fresh broker creates __consumer_offsets, and kafkajs logs the
// (retried) GROUP_COORDINATOR_NOT_AVAILABLE / COORDINATOR_LOAD_IN_PROGRESS answers as errors.
// Drop those; anything else is printed.
const RETRIED_COORDINATOR_ERRORS = /coordinator is not available|coordinator is loading/i;
const quietLogCreator: logCreator =
  () =>
  ({ namespace, level, log }) => {
    if (RETRIED_COORDINATOR_ERRORS.test(String(log.error ?? ''))) return;
    console.error(`[kafkajs ${namespace}] level ${level}: ${log.message}${log.error ? ` (${log.error})` : ''}`);
  };

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

describe('kafkajs 2.2.4 against the local Kafka broker', () => {
  const runId = randomUUID().slice(0, 8);
  const topic = `it.kafka-compat.${runId}`;
  const groupId = `it-kafka-compat-${runId}`;
  const kafka = new Kafka({
    clientId: `kafka-compat-${runId}`,
    // as the operator (admin): this suite creates and deletes its own topic
    ...kafkaClientOptions(kafkaAs(KAFKA_ADMIN_PRINCIPAL)),
    logLevel: logLevel.ERROR,
    logCreator: quietLogCreator,
    retry: { retries: 8, initialRetryTime: 200 },
  });

  let admin: Admin;
  let producer: Producer | undefined;
  let consumer: Consumer | undefined;
  let topicCreated = false;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await consumer?.disconnect().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    if (topicCreated) {
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin.deleteTopics({ topics: [topic], timeout: 10_000 });
    }
    await admin.disconnect();
  });

  it('creates a topic, produces idempotently, consumes in a group and commits offsets', async () => {
    // --- admin: create topic, offsets of an empty topic
    const created = await admin.createTopics({
      topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }],
      waitForLeaders: true,
      timeout: 15_000,
    });
    expect(created).toBe(true);
    topicCreated = true;

    const emptyOffsets = await admin.fetchTopicOffsets(topic);
    expect(emptyOffsets).toHaveLength(PARTITIONS);
    for (const p of emptyOffsets) {
      expect(p.low).toBe('0');
      expect(p.high).toBe('0');
    }
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0].partitions).toHaveLength(PARTITIONS);

    // --- idempotent producer: 30 keyed messages with headers, in three sends
    producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    const sent = Array.from({ length: MESSAGES }, (_, seq) => ({
      key: KEYS[seq % KEYS.length],
      seq,
    }));
    for (let batch = 0; batch < 3; batch++) {
      const slice = sent.slice(batch * 10, batch * 10 + 10);
      const result = await producer.send({
        topic,
        acks: -1,
        messages: slice.map(({ key, seq }) => ({
          key,
          value: JSON.stringify({ seq, key }),
          headers: { 'x-seq': String(seq), 'x-key': key, 'x-run': runId },
        })),
      });
      for (const r of result) expect(r.errorCode).toBe(0);
    }

    const afterProduce = await admin.fetchTopicOffsets(topic);
    expect(afterProduce.reduce((sum, p) => sum + Number(p.high), 0)).toBe(MESSAGES);

    // --- consumer in a fresh group reads everything from the beginning
    const received: Received[] = [];
    consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const body = JSON.parse(message.value!.toString('utf8')) as { seq: number; key: string };
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, headerText(v)]));
        received.push({ partition, offset: message.offset, key: message.key!.toString('utf8'), seq: body.seq, headers });
      },
    });
    await waitFor(() => received.length >= MESSAGES, 45_000, `${MESSAGES} messages`);

    expect(received).toHaveLength(MESSAGES);
    expect(new Set(received.map((r) => r.seq)).size).toBe(MESSAGES);
    for (const r of received) {
      expect(r.headers['x-seq']).toBe(String(r.seq));
      expect(r.headers['x-key']).toBe(r.key);
      expect(r.headers['x-run']).toBe(runId);
      expect(KEYS[r.seq % KEYS.length]).toBe(r.key);
    }
    // per key: one partition, sequence order preserved
    for (const key of KEYS) {
      const ofKey = received.filter((r) => r.key === key);
      expect(ofKey.length).toBe(MESSAGES / KEYS.length);
      expect(new Set(ofKey.map((r) => r.partition)).size).toBe(1);
      const seqs = ofKey.map((r) => r.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      const offsets = ofKey.map((r) => BigInt(r.offset));
      expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    }

    // --- committed offsets are visible to the admin client (disconnect commits what was resolved)
    await consumer.disconnect();
    consumer = undefined;
    const highByPartition = new Map(afterProduce.map((p) => [p.partition, p.high]));
    let committed: { partition: number; offset: string }[] = [];
    await waitFor(
      async () => {
        const [forTopic] = await admin.fetchOffsets({ groupId, topics: [topic] });
        committed = forTopic.partitions;
        return committed.every((p) => p.offset === highByPartition.get(p.partition));
      },
      15_000,
      'committed offsets to reach the high watermarks',
    );
    expect(committed).toHaveLength(PARTITIONS);
    expect(committed.reduce((sum, p) => sum + Number(p.offset), 0)).toBe(MESSAGES);
  });
});
