import { randomUUID } from 'node:crypto';
import { Admin, Kafka } from 'kafkajs';
import { TransientFailure } from '@support/event-store';
import { afterCommit, deadLetterTopic } from '@support/messaging';
import { Client } from 'pg';
import { consumerHarness, ConsumerHarness } from './support/consumer-harness';
import { groupCaughtUp, readTopic, thingHappened, topicSize, waitFor } from './support/messaging.fixtures';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

describe('event consumer: retries, transient failures and chunks on Kafka', () => {
  const harness = consumerHarness();
  const { infra, setUp, append, consumer, inboxIds, appliedIds, publishInvalidThing } = harness;
  let kafka: Kafka;
  let admin: Admin;
  let db: ConsumerHarness['db'];
  let applied: string;
  // registered after the harness's hooks, so these run once it has connected
  beforeAll(() => ({ kafka, admin, db, applied } = harness));

  it('applies a partition in chunks, one transaction each; a failing event falls back to one at a time and only it is parked', async () => {
    const { topic, groupId, catalogue, store } = await setUp();
    const stream = randomUUID(); // one key: one partition, in order
    const events = Array.from({ length: 40 }, (_, n) => thingHappened({ n }));
    const refused = events[17];
    await append(store, stream, events);
    await waitFor('40 messages on the topic', async () => (await topicSize(admin, topic)) >= 40);

    const chunkSizes: number[] = [];
    const subject = consumer({
      groupId,
      topics: [topic],
      catalogue,
      retries: 0,
      batchSize: 16,
      handleBatch: async (batch, m) => {
        chunkSizes.push(batch.length);
        await m.query(`INSERT INTO ${applied} (consumer_group, event_id) SELECT $1, unnest($2::uuid[])`, [groupId, batch.map((e) => e.id)]);
        // the rows above roll back with the whole chunk
        if (batch.some((e) => e.id === refused.id)) throw new Error(`handler refuses ${refused.id}`);
      },
    });
    await subject.start();
    try {
      await waitFor('caught up', async () => subject.stats.handled === 39 && (await subject.lag()) === 0);
      expect(subject.stats).toEqual({ handled: 39, parked: 1 });
      const ids = events
        .filter((e) => e !== refused)
        .map((e) => e.id)
        .sort();
      expect(await appliedIds(groupId)).toEqual(ids);
      expect(await inboxIds(groupId)).toEqual(ids);
      // chunks of up to 16; the refused event's chunk went through one event at a time
      expect(Math.max(...chunkSizes)).toBe(16);
      expect(chunkSizes.filter((n) => n === 1).length).toBeGreaterThanOrEqual(16);

      // a rebuild forgets the read model and the inbox and hands every event over again, once
      await subject.replayFromStart((m) => m.query(`DELETE FROM ${applied} WHERE consumer_group = $1`, [groupId]));
      await waitFor('caught up again', async () => subject.stats.handled === 78 && (await subject.lag()) === 0);
      expect(await appliedIds(groupId)).toEqual(ids);
      expect(await inboxIds(groupId)).toEqual(ids);
      expect(subject.stats.parked).toBe(2);
    } finally {
      await subject.stop();
    }
  });

  it('in chunks: a poison message is parked alone while the rest of its chunk is applied once, and a rewound group hands the handler nothing again', async () => {
    const { topic, groupId, catalogue, store } = await setUp();
    const stream = randomUUID(); // one key: one partition, in order
    const before = Array.from({ length: 5 }, (_, n) => thingHappened({ n }));
    const after = Array.from({ length: 5 }, (_, n) => thingHappened({ n: 5 + n }));
    await append(store, stream, before);
    await waitFor('5 messages on the topic', async () => (await topicSize(admin, topic)) >= 5);
    const poison = await publishInvalidThing(topic, stream, 6);
    await append(store, stream, after);
    await waitFor('11 messages on the topic', async () => (await topicSize(admin, topic)) >= 11);

    const handed: string[] = [];
    const batchConsumer = () =>
      consumer({
        groupId,
        topics: [topic],
        catalogue,
        batchSize: 50,
        handleBatch: async (batch, m) => {
          handed.push(...batch.map((e) => e.id));
          await m.query(`INSERT INTO ${applied} (consumer_group, event_id) SELECT $1, unnest($2::uuid[])`, [groupId, batch.map((e) => e.id)]);
        },
      });
    const ids = [...before, ...after].map((e) => e.id).sort();
    const first = batchConsumer();
    await first.start();
    try {
      await waitFor('every offset committed', () => groupCaughtUp(admin, groupId, topic), 30_000, 100);
      expect(first.stats).toEqual({ handled: 10, parked: 1 });
    } finally {
      await first.stop();
    }
    expect(await appliedIds(groupId)).toEqual(ids);
    expect(await inboxIds(groupId)).toEqual(ids);
    expect((await readTopic(kafka, admin, deadLetterTopic(groupId))).map((m) => m.headers.ce_id)).toEqual([poison.id]);

    // the whole stretch delivered again: the inbox passes over every event, so the handler gets none of them
    await admin.resetOffsets({ groupId, topic, earliest: true });
    handed.length = 0;
    const again = batchConsumer();
    await again.start();
    try {
      await waitFor('every offset committed again', () => groupCaughtUp(admin, groupId, topic), 30_000, 100);
    } finally {
      await again.stop();
    }
    expect(handed).toEqual([]);
    expect(again.stats.handled).toBe(0);
    expect(await appliedIds(groupId)).toEqual(ids);
  });

  it('retries a transient failure (a real deadlock, serialization failures, version conflicts) until it passes: nothing parked, the partition in order', async () => {
    const { topic, groupId, catalogue, store } = await setUp();
    const stream = randomUUID();
    const events = [1, 2, 3, 4].map((n) => thingHappened({ n }));
    await append(store, stream, events);
    await waitFor('4 messages on the topic', async () => (await topicSize(admin, topic)) >= 4);
    const order = `"${db.schema}".applied_in_order`;
    const locks = `"${db.schema}".locks`;
    await db.dataSource.query(`CREATE TABLE ${order} (seq bigserial PRIMARY KEY, event_id uuid NOT NULL)`);
    await db.dataSource.query(`CREATE TABLE ${locks} (name text PRIMARY KEY)`);
    await db.dataSource.query(`INSERT INTO ${locks} VALUES ('a'), ('b')`);

    // another session holds row b; on its first attempt the handler takes a, waits for b, and the other session
    // then asks for a: PostgreSQL finds the deadlock and aborts the handler, which waited first (40P01)
    const other = new Client({ connectionString: infra.databaseUrl });
    await other.connect();
    await other.query('BEGIN');
    await other.query(`SELECT 1 FROM ${locks} WHERE name = 'b' FOR UPDATE`);
    let otherDone: Promise<unknown> = Promise.resolve();
    const second = events[1].id;
    const attempts: Array<string | undefined> = [];
    const retried: string[] = [];
    const subject = consumer({
      groupId,
      topics: [topic],
      catalogue,
      retries: 1,
      backoffMs: 10,
      maxBackoffMs: 50,
      onError: (error) => retried.push((error as Error).message),
      handle: async (event, m) => {
        if (event.id === second) {
          const attempt = attempts.length + 1;
          if (attempt === 1) {
            await m.query(`SELECT 1 FROM ${locks} WHERE name = 'a' FOR UPDATE`);
            otherDone = new Promise((resolve) => setTimeout(resolve, 200)).then(async () => {
              await other.query(`SELECT 1 FROM ${locks} WHERE name = 'a' FOR UPDATE`);
              await other.query('COMMIT');
            });
            attempts.push('deadlock');
            await m.query(`SELECT 1 FROM ${locks} WHERE name = 'b' FOR UPDATE`);
          }
          if (attempt <= 3) {
            attempts.push('serialization failure');
            throw Object.assign(new Error('could not serialize access due to concurrent update'), { code: '40001' });
          }
          if (attempt <= 5) {
            attempts.push('version conflict');
            throw new TransientFailure(`thing ${stream} changed meanwhile`);
          }
          attempts.push('applied');
        }
        await m.query(`INSERT INTO ${order} (event_id) VALUES ($1)`, [event.id]);
      },
    });
    await subject.start();
    try {
      await waitFor('all four applied', async () => (await db.dataSource.query(`SELECT count(*)::int AS n FROM ${order}`))[0].n === 4, 30_000, 100);
    } finally {
      await subject.stop();
      await otherDone.catch(() => undefined);
      await other.end();
    }
    const applied = (await db.dataSource.query(`SELECT event_id FROM ${order} ORDER BY seq`)).map((r: { event_id: string }) => r.event_id);
    expect(applied).toEqual(events.map((e) => e.id));
    expect(attempts).toEqual(['deadlock', 'serialization failure', 'serialization failure', 'version conflict', 'version conflict', 'applied']);
    expect(retried.filter((m) => /transient failure/.test(m))).toHaveLength(5);
    expect(retried.some((m) => /deadlock detected/.test(m))).toBe(true);
    expect(subject.stats).toEqual({ handled: 4, parked: 0 });
    expect(await topicSize(admin, deadLetterTopic(groupId))).toBe(0);
  });

  it('runs what a handler registers after commit once the rows are readable, once, even when its transaction is retried', async () => {
    const { topic, groupId, catalogue, store } = await setUp();
    const events = Array.from({ length: 3 }, (_, n) => thingHappened({ n }));
    await append(store, randomUUID(), events);
    await waitFor('3 messages on the topic', async () => (await topicSize(admin, topic)) >= 3);

    let attempts = 0;
    const inserted = new Map<number, number>();
    // what each callback saw of the handler's rows from another connection when it ran
    const heard: Array<{ attempt: number; visible: number }> = [];
    const subject = consumer({
      groupId,
      topics: [topic],
      catalogue,
      batchSize: 16,
      handleBatch: async (batch, m) => {
        const attempt = ++attempts;
        await m.query(`INSERT INTO ${applied} (consumer_group, event_id) SELECT $1, unnest($2::uuid[])`, [groupId, batch.map((e) => e.id)]);
        inserted.set(attempt, batch.length);
        afterCommit(m, () => {
          void db.dataSource
            .query(`SELECT count(*)::int AS n FROM ${applied} WHERE consumer_group = $1`, [groupId])
            .then(([{ n }]: Array<{ n: number }>) => heard.push({ attempt, visible: n }));
        });
        // the first attempt rolls back after registering: its callback must never run
        if (attempt === 1) throw new TransientFailure('a deadlock, say');
      },
    });
    await subject.start();
    try {
      await waitFor('every committed chunk heard', async () => (await appliedIds(groupId)).length === 3 && heard.length === attempts - 1, 30_000, 50);
    } finally {
      await subject.stop();
    }
    // every attempt but the rolled-back first heard once, each after its own rows could be read elsewhere
    expect(heard.map((h) => h.attempt).sort()).toEqual(Array.from({ length: attempts - 1 }, (_, i) => i + 2));
    for (const { attempt, visible } of heard) expect(visible).toBeGreaterThanOrEqual(inserted.get(attempt)!);
  });
});
