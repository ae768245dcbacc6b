import { randomUUID } from 'node:crypto';
import { Admin, Kafka } from 'kafkajs';
import { fromKafkaMessage, MAX_BATCH_BYTES } from '@support/messaging';
import { relayHarness } from './support/relay-harness';
import { actor, byKey, readTopic, thingHappened, THING_HAPPENED, topicSize, waitFor } from './support/messaging.fixtures';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

describe('outbox relay: from the event store to Kafka, in order', () => {
  const harness = relayHarness();
  const { report, newTopic, newSchema, storeFor, startRelay, expectStreamsInOrder } = harness;
  let kafka: Kafka;
  let admin: Admin;
  // registered after the harness's hooks, so this runs once it has connected
  beforeAll(() => ({ kafka, admin } = harness));

  it('publishes an appended event as a CloudEvent in binary mode: key = stream id, ce_* headers, JSON data', async () => {
    const db = await newSchema('relay_env');
    const { topic, catalogue } = await newTopic();
    const store = storeFor(db, catalogue);
    const relay = await startRelay(db);
    try {
      const stream = randomUUID();
      const caused = thingHappened({ n: 1, note: '第一 first' }, { causationId: randomUUID(), correlationId: randomUUID() });
      const plain = thingHappened({ n: 2 });
      const result = await db.dataSource.transaction((m) => store.append(m, { streamType: 'thing', streamId: stream, expectedVersion: 0, events: [caused, plain] }));
      expect(result).toMatchObject({ ok: true, version: 2 });
      const stored = await store.store.readStream(db.dataSource, stream);

      await waitFor('2 messages on the topic', async () => (await topicSize(admin, topic)) >= 2);
      const messages = [...byKey(await readTopic(kafka, admin, topic)).values()].flat();
      expect(messages).toHaveLength(2);
      const [first, second] = messages;

      expect(first.key).toBe(stream);
      expect(first.headers).toMatchObject({
        ce_specversion: '1.0',
        ce_id: caused.id,
        ce_source: 'test',
        ce_type: THING_HAPPENED,
        ce_subject: stream,
        ce_time: caused.occurredAt.toISOString(),
        ce_streamversion: '1',
        ce_actorid: actor.id,
        ce_actorrole: actor.role,
        ce_audithash: stored[0].hash,
        ce_causationid: caused.metadata.causationId,
        ce_correlationid: caused.metadata.correlationId,
      });
      expect(first.value).toEqual(caused.data);

      expect(second.key).toBe(stream);
      expect(second.headers).toMatchObject({ ce_id: plain.id, ce_streamversion: '2', ce_audithash: stored[1].hash, ce_time: plain.occurredAt.toISOString() });
      expect(second.headers).not.toHaveProperty('ce_causationid');
      expect(second.headers).not.toHaveProperty('ce_correlationid');
      expect(second.value).toEqual({ n: 2 });

      // and our own decoder reads back what the store holds
      const decoded = fromKafkaMessage(first.raw, { topic, partition: first.partition, offset: first.offset });
      expect(decoded).toMatchObject({
        id: caused.id,
        type: THING_HAPPENED,
        source: 'test',
        subject: stream,
        time: caused.occurredAt.toISOString(),
        data: caused.data,
        streamVersion: 1,
        causationId: caused.metadata.causationId,
        correlationId: caused.metadata.correlationId,
        actor,
        auditHash: stored[0].hash,
      });
    } finally {
      await relay.stop();
    }
  });

  it('is woken after each commit: with an idle poll of ten minutes, every append reaches Kafka at once', async () => {
    const db = await newSchema('relay_wake');
    const { topic, catalogue } = await newTopic();
    const store = storeFor(db, catalogue);
    const relay = await startRelay(db, undefined, 600_000);
    try {
      for (let n = 1; n <= 3; n++) {
        // the relay has found nothing and waits: only a wake-up brings it back before the poll
        await new Promise((resolve) => setTimeout(resolve, 300));
        await db.dataSource.transaction((m) => store.append(m, { streamType: 'thing', streamId: randomUUID(), expectedVersion: 0, events: [thingHappened({ n })] }));
        await waitFor(`append ${n} on the topic`, async () => (await topicSize(admin, topic)) >= n, 15_000);
      }
      // a transaction that rolls back wakes nobody and leaves nothing behind
      await db.dataSource
        .transaction(async (m) => {
          await store.append(m, { streamType: 'thing', streamId: randomUUID(), expectedVersion: 0, events: [thingHappened({ n: 4 })] });
          throw new Error('rolled back');
        })
        .catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await topicSize(admin, topic)).toBe(3);
    } finally {
      await relay.stop();
    }
  });

  it('keeps per-stream order on Kafka under 20 concurrent writers (each append its own transaction, retried on conflict)', async () => {
    const db = await newSchema('relay_order');
    const { topic, catalogue } = await newTopic();
    const store = storeFor(db, catalogue);
    const relay = await startRelay(db, 50);
    try {
      const streams = Array.from({ length: 10 }, () => randomUUID());
      let conflicts = 0;
      const started = Date.now();
      const writer = async (w: number) => {
        for (let i = 0; i < 20; i++) {
          const streamId = streams[Math.floor(Math.random() * streams.length)];
          const event = thingHappened({ n: w * 100 + i });
          for (;;) {
            const result = await db.dataSource.transaction(async (m) => {
              const version = await store.store.streamVersion(m, streamId);
              return store.append(m, { streamType: 'thing', streamId, expectedVersion: version, events: [event] });
            });
            if (result.ok) break;
            conflicts++;
          }
        }
      };
      await Promise.all(Array.from({ length: 20 }, (_, w) => writer(w)));
      const wrote = Date.now() - started;

      await waitFor('400 messages on the topic', async () => (await topicSize(admin, topic)) >= 400);
      const stored = await expectStreamsInOrder(db, store, streams, topic);
      expect(stored).toBe(400);
      report.push(`order: 400 appends by 20 writers in ${wrote} ms, ${conflicts} version conflicts retried, relay published ${relay.publishedCount}`);
    } finally {
      await relay.stop();
    }
  });

  it('publishes a backlog of large events (signed visits with 256 KiB signatures) in batches below the broker limit, in order', async () => {
    const db = await newSchema('relay_bytes');
    const { topic, catalogue } = await newTopic();
    const store = storeFor(db, catalogue);
    // a signature image of 256 KiB is ~350 KB of base64: ten of them are ~3.5 MB, far above a record batch's 1 MiB
    const signature = 'A'.repeat(Math.ceil((256 * 1024) / 3) * 4);
    const streams = [randomUUID(), randomUUID()];
    // built up while nothing relays (as while Kafka is down): one stream's five events go to one partition
    for (let i = 0; i < 10; i++) {
      const streamId = streams[i % 2];
      await db.dataSource.transaction((m) =>
        store.append(m, { streamType: 'thing', streamId, expectedVersion: 'any', events: [thingHappened({ n: i, note: signature }), thingHappened({ n: 100 + i })] }),
      );
    }
    expect(signature.length * 2).toBeGreaterThan(MAX_BATCH_BYTES);

    const relay = await startRelay(db);
    try {
      await waitFor('20 events relayed', () => relay.publishedCount >= 20, 60_000);
    } finally {
      await relay.stop();
    }
    expect(await expectStreamsInOrder(db, store, streams, topic)).toBe(20);
    const large = (await readTopic(kafka, admin, topic)).filter((m) => (m.value as { note?: string }).note === signature);
    expect(large).toHaveLength(10);
  });
});
