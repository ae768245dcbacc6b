import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Admin, Kafka } from 'kafkajs';
import { EventCatalogue, RecordedEvent } from '@support/contracts';
import { AppendPipeline } from '@support/command-handling';
import { EventStore, eventStoreMigrations } from '@support/event-store';
import { createKafka, ensureTopics, EventConsumer, fromKafkaMessage, MAX_BATCH_BYTES, messagingMigration, Outbox, OutboxRelay } from '@support/messaging';
import { openTestSchema, testInfra, kafkaAs } from '@support/test-kit';
import { actor, byKey, groupCaughtUp, readTopic, withShortPolls, testCatalogue, thingHappened, THING_HAPPENED, topicSize, uniqueName, waitFor } from './support/messaging.fixtures';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

type TestSchema = Awaited<ReturnType<typeof openTestSchema>>;

const ROOT = join(__dirname, '../../..');
const migrations = (schema: string) => [...eventStoreMigrations(schema), messagingMigration(schema)];

describe('outbox relay: from the event store to Kafka', () => {
  const infra = testInfra();
  const report: string[] = [];
  const topics: string[] = [];
  const schemas: TestSchema[] = [];
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    kafka = createKafka('messaging-relay-int', kafkaAs('admin'));
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await Promise.all(schemas.map((db) => db.drop().catch(() => undefined)));
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
    if (report.length) console.log(report.join('\n'));
  });

  async function newTopic(): Promise<{ topic: string; catalogue: EventCatalogue }> {
    const topic = uniqueName('test.things');
    await ensureTopics(kafka, [topic]);
    topics.push(topic);
    return { topic, catalogue: testCatalogue(topic) };
  }

  async function newSchema(prefix: string): Promise<TestSchema> {
    const db = await openTestSchema(prefix, migrations);
    schemas.push(db);
    return db;
  }

  const storeFor = (db: TestSchema, catalogue: EventCatalogue) => new AppendPipeline(new EventStore(db.schema, catalogue), { listeners: [new Outbox(db.schema, 'test', catalogue)] });

  const startRelay = async (db: TestSchema, batchSize?: number) => {
    const relay = new OutboxRelay({ schema: db.schema, databaseUrl: infra.databaseUrl, kafka, batchSize, idlePollMs: 100 });
    await relay.start();
    return relay;
  };

  /** every key's messages are its stream, version 1..n in order, each once */
  async function expectStreamsInOrder(db: TestSchema, store: AppendPipeline, streams: string[], topic: string): Promise<number> {
    const messages = await readTopic(kafka, admin, topic);
    const keys = byKey(messages);
    let stored = 0;
    for (const stream of streams) {
      const events = await store.store.readStream(db.dataSource, stream);
      stored += events.length;
      const seen = keys.get(stream) ?? [];
      expect(seen.map((m) => Number(m.headers.ce_streamversion))).toEqual(events.map((_, i) => i + 1));
      expect(seen.map((m) => m.headers.ce_id)).toEqual(events.map((e) => e.id));
    }
    expect(messages).toHaveLength(stored);
    expect([...keys.keys()].sort()).toEqual([...streams].sort());
    return stored;
  }

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

  it('loses nothing when the relay is killed mid-batch; the consumer inbox applies each event exactly once', async () => {
    const db = await newSchema('relay_kill');
    const { topic, catalogue } = await newTopic();
    const store = storeFor(db, catalogue);
    await db.dataSource.query(`CREATE TABLE "${db.schema}".applied (event_id uuid NOT NULL, stream_id text NOT NULL, version integer NOT NULL)`);

    // 300 events: 100 transactions of 3 events over 10 streams, 4 writers at a time
    const streams = Array.from({ length: 10 }, () => randomUUID());
    await Promise.all(
      Array.from({ length: 4 }, async (_, w) => {
        for (let i = w; i < 100; i += 4) {
          const streamId = streams[i % streams.length];
          const events = [0, 1, 2].map((k) => thingHappened({ n: i * 3 + k }));
          const result = await db.dataSource.transaction((m) => store.append(m, { streamType: 'thing', streamId, expectedVersion: 'any', events }));
          expect(result.ok).toBe(true);
        }
      }),
    );
    const storedEvents: RecordedEvent[] = (await Promise.all(streams.map((s) => store.store.readStream(db.dataSource, s)))).flat();
    expect(storedEvents).toHaveLength(300);

    const first = spawnRelay(db.schema, { RELAY_BATCH_SIZE: '5', RELAY_SEND_DELAY_MS: '20' });
    let beforeKill = 0;
    try {
      await waitFor('the first relay to publish 100 messages', async () => (beforeKill = await topicSize(admin, topic)) >= 100, 30_000, 10);
    } finally {
      await first.stop('SIGKILL');
    }
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const afterKill = await topicSize(admin, topic);
    expect(afterKill).toBeLessThan(300);

    const second = spawnRelay(db.schema, { RELAY_BATCH_SIZE: '5' });
    try {
      await waitFor(
        'the second relay to checkpoint the last outbox row',
        async () => {
          const [row] = await db.dataSource.query(
            `SELECT (SELECT (transaction_id::text, position) FROM "${db.schema}".relay_checkpoints WHERE relay = 'outbox')::text =
                    (SELECT (transaction_id::text, position) FROM "${db.schema}".outbox ORDER BY transaction_id DESC, position DESC LIMIT 1)::text AS done`,
          );
          return row.done === true;
        },
        40_000,
      );
    } finally {
      await second.stop('SIGTERM');
    }
    expect(await second.exited).toEqual({ code: 0, signal: null });

    // nothing lost, per key order of first occurrences = stream order, at most the batch in flight sent twice
    const messages = await readTopic(kafka, admin, topic);
    const duplicates = messages.length - storedEvents.length;
    expect(new Set(messages.map((m) => m.headers.ce_id))).toEqual(new Set(storedEvents.map((e) => e.id)));
    expect(duplicates).toBeGreaterThanOrEqual(0);
    expect(duplicates).toBeLessThanOrEqual(5);
    const keys = byKey(messages);
    for (const stream of streams) {
      const firstSeen = [...new Set((keys.get(stream) ?? []).map((m) => m.headers.ce_id))];
      expect(firstSeen).toEqual(storedEvents.filter((e) => e.streamId === stream).map((e) => e.id));
    }

    // a consumer with an inbox applies each event once, duplicates on Kafka or not
    const groupId = uniqueName('test-kill-group');
    const consumer = new EventConsumer({
      schema: db.schema,
      groupId,
      topics: [topic],
      kafka: withShortPolls(kafka),
      dataSource: db.dataSource,
      catalogue,
      handle: async (event, m) => {
        await m.query(`INSERT INTO "${db.schema}".applied (event_id, stream_id, version) VALUES ($1, $2, $3)`, [event.id, event.subject, event.streamVersion]);
      },
    });
    await consumer.start();
    try {
      await waitFor('the consumer group to commit every offset', () => groupCaughtUp(admin, groupId, topic), 30_000, 100);
    } finally {
      await consumer.stop();
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
    const [applied] = await db.dataSource.query(`SELECT count(*)::int AS rows, count(DISTINCT event_id)::int AS ids FROM "${db.schema}".applied`);
    expect(applied).toEqual({ rows: 300, ids: 300 });
    const [inbox] = await db.dataSource.query(`SELECT count(*)::int AS rows FROM "${db.schema}".inbox WHERE consumer_group = $1`, [groupId]);
    expect(inbox.rows).toBe(300);
    expect(consumer.stats).toEqual({ handled: 300, parked: 0 }); // the repeats were dropped by the inbox, not parked
    report.push(
      `kill mid-batch: ${beforeKill} messages on Kafka when kill -9 was sent (${afterKill} after), ${messages.length} messages in the end for 300 events: ${duplicates} duplicates; inbox applied 300 once each`,
    );
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
      await db.dataSource.transaction((m) => store.append(m, { streamType: 'thing', streamId, expectedVersion: 'any', events: [thingHappened({ n: i, note: signature }), thingHappened({ n: 100 + i })] }));
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

  it('runs one relay per schema: the stand-by takes over when the leader stops, and finishes', async () => {
    const db = await newSchema('relay_leader');
    const { topic, catalogue } = await newTopic();
    const store = storeFor(db, catalogue);
    const streams = [randomUUID(), randomUUID()];
    const appendSome = async (count: number) => {
      for (let i = 0; i < count; i++) {
        const streamId = streams[i % streams.length];
        await db.dataSource.transaction((m) => store.append(m, { streamType: 'thing', streamId, expectedVersion: 'any', events: [thingHappened({ n: i })] }));
      }
    };

    const relays = [await startRelay(db, 5), await startRelay(db, 5)];
    try {
      await waitFor('a leader', () => relays.some((r) => r.isLeader));
      let bothLed = false;
      const watch = setInterval(() => (bothLed ||= relays.every((r) => r.isLeader)), 5);
      await appendSome(20);
      // published counts a batch once it is checkpointed, after it is on Kafka
      const published = () => relays.reduce((sum, r) => sum + r.publishedCount, 0);
      await waitFor('20 events relayed', () => published() >= 20);
      clearInterval(watch);
      expect(await topicSize(admin, topic)).toBe(20);
      expect(bothLed).toBe(false);
      const leader = relays.find((r) => r.isLeader)!;
      const standBy = relays.find((r) => r !== leader)!;
      expect(standBy.isLeader).toBe(false);
      expect(leader.publishedCount).toBe(20);
      expect(standBy.publishedCount).toBe(0);

      await leader.stop();
      await appendSome(20);
      await waitFor('the stand-by to take over', () => standBy.isLeader, 10_000);
      await waitFor('the other 20 events relayed', () => standBy.publishedCount >= 20);
      expect(standBy.publishedCount).toBe(20);
      expect(await expectStreamsInOrder(db, store, streams, topic)).toBe(40);
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
    }
  });

  it('leads again after its database session is lost, and publishes what was appended meanwhile', async () => {
    const db = await newSchema('relay_lost');
    const { topic, catalogue } = await newTopic();
    const store = storeFor(db, catalogue);
    const stream = randomUUID();
    const appendOne = (n: number) =>
      db.dataSource.transaction((m) => store.append(m, { streamType: 'thing', streamId: stream, expectedVersion: 'any', events: [thingHappened({ n })] }));
    const relay = await startRelay(db);
    try {
      await appendOne(1);
      await waitFor('the first event relayed', () => relay.publishedCount === 1);
      // e.g. a PostgreSQL restart or failover: the session, its advisory lock and its LISTEN are gone
      const [terminated] = await db.dataSource.query(`SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1`, [
        `${db.schema}-outbox-relay`,
      ]);
      expect(terminated.n).toBe(1);
      await appendOne(2);
      await waitFor('the second event relayed', () => relay.publishedCount === 2, 10_000);
      expect(relay.isLeader).toBe(true);
      expect(await expectStreamsInOrder(db, store, [stream], topic)).toBe(2);
    } finally {
      await relay.stop();
    }
  });
});

/** a relay in a child process; `stop` sends a signal and waits for the exit (SIGKILL after 10 s) */
function spawnRelay(schema: string, env: Record<string, string>) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--require', join(ROOT, 'libs/messaging/test/support/swc-register.js'), join(ROOT, 'libs/messaging/test/support/relay-child.ts')],
    { cwd: ROOT, env: { ...process.env, ...env, RELAY_SCHEMA: schema }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      if (code) console.error(`relay child exited with ${code}: ${stderr}`);
      resolve({ code, signal });
    }),
  );
  async function stop(signal: NodeJS.Signals) {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  }
  return { child, exited, stop };
}
