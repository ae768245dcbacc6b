import { randomUUID } from 'node:crypto';
import { Admin, Kafka } from 'kafkajs';
import { RecordedEvent } from '@support/contracts';
import { EventConsumer } from '@support/messaging';
import { relayHarness, spawnRelay } from './support/relay-harness';
import { byKey, groupCaughtUp, readTopic, withShortPolls, thingHappened, topicSize, uniqueName, waitFor } from './support/messaging.fixtures';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

describe('outbox relay: killed, replaced and disconnected', () => {
  const harness = relayHarness();
  const { report, newTopic, newSchema, storeFor, startRelay, expectStreamsInOrder } = harness;
  let kafka: Kafka;
  let admin: Admin;
  // registered after the harness's hooks, so this runs once it has connected
  beforeAll(() => ({ kafka, admin } = harness));

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
