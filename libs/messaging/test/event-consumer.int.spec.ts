import { randomUUID } from 'node:crypto';
import { Admin, Kafka, Partitioners } from 'kafkajs';
import { EventCatalogue, eventCatalogue, NewEvent, RecordedEvent, ROSTER_TOPIC } from '@support/contracts';
import { AppendPipeline } from '@support/command-handling';
import { EventStore, eventStoreMigrations, TransientFailure } from '@support/event-store';
import {
  ConsumedEvent,
  createKafka,
  deadLetterTopic,
  ensureTopics,
  BatchEventHandler,
  EventConsumer,
  EventConsumerSettings,
  EventHandler,
  messagingMigration,
  Outbox,
  OutboxRelay,
  toKafkaMessage,
} from '@support/messaging';
import { Client } from 'pg';
import { openTestSchema, publishEvents, testInfra, kafkaAs } from '@support/test-kit';
import { groupCaughtUp, readTopic, withShortPolls, testCatalogue, thingHappened, topicSize, uniqueName, waitFor } from './support/messaging.fixtures';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

describe('event consumer: inbox, retries and dead letters on Kafka', () => {
  const infra = testInfra();
  const topics: string[] = [];
  const groups: string[] = [];
  let kafka: Kafka;
  let admin: Admin;
  let db: Awaited<ReturnType<typeof openTestSchema>>;
  let relay: OutboxRelay;
  let applied: string;

  beforeAll(async () => {
    kafka = createKafka('messaging-consumer-int', kafkaAs('admin'));
    admin = kafka.admin();
    await admin.connect();
    db = await openTestSchema('consumer', (schema) => [...eventStoreMigrations(schema), messagingMigration(schema)]);
    // the consumers' own state: one row per handled event, no unique key so a double apply would show
    applied = `"${db.schema}".applied`;
    await db.dataSource.query(`CREATE TABLE ${applied} (consumer_group text NOT NULL, event_id uuid NOT NULL)`);
    relay = new OutboxRelay({ schema: db.schema, databaseUrl: infra.databaseUrl, kafka, idlePollMs: 100 });
    await relay.start();
  });

  afterAll(async () => {
    await relay?.stop();
    await db?.drop();
    await admin.deleteGroups(groups).catch(() => undefined);
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  });

  async function setUp(): Promise<{ topic: string; groupId: string; catalogue: EventCatalogue; store: AppendPipeline }> {
    const topic = uniqueName('test.things');
    const groupId = uniqueName('test-group');
    await ensureTopics(kafka, [topic, deadLetterTopic(groupId)]);
    topics.push(topic, deadLetterTopic(groupId));
    groups.push(groupId);
    const catalogue = testCatalogue(topic);
    return { topic, groupId, catalogue, store: new AppendPipeline(new EventStore(db.schema, catalogue), { listeners: [new Outbox(db.schema, 'test', catalogue)] }) };
  }

  const append = (store: AppendPipeline, streamId: string, events: NewEvent[]) =>
    db.dataSource.transaction((m) => store.append(m, { streamType: 'thing', streamId, expectedVersion: 'any', events }));

  type ConsumerOptions = Pick<EventConsumerSettings, 'groupId' | 'topics' | 'catalogue'> & Partial<EventConsumerSettings> & ({ handle?: EventHandler } | { handleBatch: BatchEventHandler; batchSize?: number });
  function consumer(options: ConsumerOptions): EventConsumer {
    const settings = { schema: db.schema, kafka: withShortPolls(kafka), dataSource: db.dataSource };
    if ('handleBatch' in options) return new EventConsumer({ ...settings, ...options });
    const handle: EventHandler = options.handle ?? ((event, m) => m.query(`INSERT INTO ${applied} (consumer_group, event_id) VALUES ($1, $2)`, [options.groupId, event.id]));
    return new EventConsumer({ ...settings, ...options, handle });
  }

  /** a message that is a CloudEvent of a known type but whose data breaks the schema, on the stream's key */
  async function publishInvalidThing(topic: string, streamId: string, version: number): Promise<RecordedEvent> {
    const invalid: RecordedEvent = {
      ...thingHappened({ n: 'five' }),
      streamId,
      streamType: 'thing',
      version,
      globalPosition: '0',
      transactionId: '0',
      prevHash: '0'.repeat(64),
      hash: '0'.repeat(64),
    };
    const message = toKafkaMessage(invalid, 'test', topic);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic, messages: [{ key: message.key, value: JSON.stringify(message.value), headers: message.headers }] });
    await producer.disconnect();
    return invalid;
  }

  const inboxIds = async (groupId: string): Promise<string[]> =>
    (await db.dataSource.query(`SELECT event_id FROM "${db.schema}".inbox WHERE consumer_group = $1 ORDER BY event_id`, [groupId])).map((r: { event_id: string }) => r.event_id);
  const appliedIds = async (groupId: string): Promise<string[]> =>
    (await db.dataSource.query(`SELECT event_id FROM ${applied} WHERE consumer_group = $1 ORDER BY event_id`, [groupId])).map((r: { event_id: string }) => r.event_id);

  it('parks an event whose handler always fails on support.dlq.<group> after its retries, and moves on; an invalid one is parked at once', async () => {
    const { topic, groupId, catalogue, store } = await setUp();
    const stream = randomUUID();
    const [e1, failing, e3, e4] = [thingHappened({ n: 1 }), thingHappened({ n: 2 }), thingHappened({ n: 3 }), thingHappened({ n: 4 })];
    await append(store, stream, [e1, failing, e3]);
    await waitFor('3 messages on the topic', async () => (await topicSize(admin, topic)) >= 3);

    const invalid = await publishInvalidThing(topic, stream, 4);
    await append(store, stream, [e4]);
    await waitFor('5 messages on the topic', async () => (await topicSize(admin, topic)) >= 5);

    const attempts = new Map<string, number>();
    const errors: Array<{ offset: string; message: string }> = [];
    const subject = consumer({
      groupId,
      topics: [topic],
      catalogue,
      retries: 2,
      backoffMs: 20,
      onError: (error, where) => errors.push({ offset: where.offset, message: (error as Error).message }),
      handle: async (event: ConsumedEvent, m) => {
        attempts.set(event.id, (attempts.get(event.id) ?? 0) + 1);
        await m.query(`INSERT INTO ${applied} (consumer_group, event_id) VALUES ($1, $2)`, [groupId, event.id]);
        // the row above must roll back with the failure
        if (event.id === failing.id) throw new Error(`handler refuses ${event.id}`);
      },
    });
    await subject.start();
    try {
      await waitFor('e4 handled and 2 events parked', async () => (await inboxIds(groupId)).includes(e4.id) && subject.stats.parked === 2);
    } finally {
      await subject.stop();
    }

    expect(await inboxIds(groupId)).toEqual([e1.id, e3.id, e4.id].sort());
    expect(await appliedIds(groupId)).toEqual([e1.id, e3.id, e4.id].sort());
    expect(subject.stats).toEqual({ handled: 3, parked: 2 });
    expect(attempts.get(failing.id)).toBe(3); // the first try and 2 retries
    expect(attempts.has(invalid.id)).toBe(false); // never handed to the handler
    expect(errors.filter((e) => e.message === `handler refuses ${failing.id}`)).toHaveLength(3);
    expect(errors.filter((e) => /does not match its schema/.test(e.message))).toHaveLength(1); // no retries

    const parked = await readTopic(kafka, admin, deadLetterTopic(groupId));
    expect(parked.map((m) => m.headers.ce_id).sort()).toEqual([failing.id, invalid.id].sort());
    const parkedFailing = parked.find((m) => m.headers.ce_id === failing.id)!;
    expect(parkedFailing.key).toBe(stream);
    expect(parkedFailing.value).toEqual(failing.data);
    expect(parkedFailing.headers).toMatchObject({ dlq_error: `handler refuses ${failing.id}`, dlq_group: groupId, dlq_topic: topic, ce_streamversion: '2' });
    const parkedInvalid = parked.find((m) => m.headers.ce_id === invalid.id)!;
    expect(parkedInvalid.headers.dlq_error).toMatch(/does not match its schema: \/n must be integer/);
    expect(parkedInvalid.value).toEqual({ n: 'five' });
    expect(Number(parkedInvalid.headers.dlq_offset)).toBeGreaterThan(Number(parkedFailing.headers.dlq_offset));
    // what operators see of it (GET /v1/dead-letters); stop() lets the admin connection go again
    const clean = consumer({ groupId: uniqueName('never-parked'), topics: [topic], catalogue });
    try {
      expect([subject.groupId, subject.deadLetterTopic, await subject.parkedMessages()]).toEqual([groupId, deadLetterTopic(groupId), 2]);
      expect(await clean.parkedMessages()).toBe(0);
    } finally {
      await subject.stop();
      await clean.stop();
    }
  });

  it('replays parked events through the handler once the cause is fixed', async () => {
    const { topic, groupId, catalogue, store } = await setUp();
    const [ok, flaky] = [thingHappened({ n: 1 }), thingHappened({ n: 2 })];
    await append(store, randomUUID(), [ok, flaky]);
    let broken = true;
    const subject = consumer({
      groupId,
      topics: [topic],
      catalogue,
      retries: 0,
      handle: async (event, m) => {
        if (broken && event.id === flaky.id) throw new Error('downstream rule not deployed yet');
        await m.query(`INSERT INTO ${applied} (consumer_group, event_id) VALUES ($1, $2)`, [groupId, event.id]);
      },
    });
    await subject.start();
    try {
      await waitFor('one handled, one parked', () => subject.stats.handled === 1 && subject.stats.parked === 1);
      expect(await appliedIds(groupId)).toEqual([ok.id]);

      broken = false;
      expect(await subject.replayParked()).toEqual({ replayed: 1 });
      expect(await appliedIds(groupId)).toEqual([ok.id, flaky.id].sort());
      // a second replay finds the same parked message, and the inbox makes it a no-op
      expect(await subject.replayParked()).toEqual({ replayed: 1 });
      expect(await appliedIds(groupId)).toEqual([ok.id, flaky.id].sort());
    } finally {
      await subject.stop();
    }
  });

  it('changes nothing, and opens no transaction, when the group is rewound to offset 0 and every event is delivered again', async () => {
    const { topic, groupId, catalogue, store } = await setUp();
    const streams = [randomUUID(), randomUUID(), randomUUID()];
    const events = Array.from({ length: 12 }, (_, n) => thingHappened({ n }));
    for (const [i, event] of events.entries()) await append(store, streams[i % streams.length], [event]);
    await waitFor('12 messages on the topic', async () => (await topicSize(admin, topic)) >= 12);

    let calls = 0;
    const counting = (): { handle: EventHandler } => ({
      handle: async (event, m) => {
        calls++;
        await m.query(`INSERT INTO ${applied} (consumer_group, event_id) VALUES ($1, $2)`, [groupId, event.id]);
      },
    });
    const first = consumer({ groupId, topics: [topic], catalogue, ...counting() });
    await first.start();
    try {
      await waitFor('the first run to commit every offset', () => groupCaughtUp(admin, groupId, topic), 30_000, 100);
    } finally {
      await first.stop();
    }
    const ids = events.map((e) => e.id).sort();
    expect(await appliedIds(groupId)).toEqual(ids);
    expect(calls).toBe(12);

    await admin.resetOffsets({ groupId, topic, earliest: true });
    expect(await groupCaughtUp(admin, groupId, topic)).toBe(false);

    // the redelivered stretch is recognised from the inbox in one query, not a transaction per event
    const transactions = jest.spyOn(db.dataSource, 'transaction');
    let transactionsOpened = -1;
    const again = consumer({ groupId, topics: [topic], catalogue, ...counting() });
    await again.start();
    try {
      await waitFor('the second run to commit every offset again', () => groupCaughtUp(admin, groupId, topic), 30_000, 100);
    } finally {
      await again.stop();
      transactionsOpened = transactions.mock.calls.length;
      transactions.mockRestore();
    }
    expect(transactionsOpened).toBe(0);
    expect(calls).toBe(12);
    expect(again.stats).toEqual({ handled: 0, parked: 0 });
    expect(await appliedIds(groupId)).toEqual(ids);
    expect(await inboxIds(groupId)).toEqual(ids);
  });

  it('measures its lag over one admin connection, kept from the first call until it stops', async () => {
    const { topic, groupId, catalogue, store } = await setUp();
    await append(store, randomUUID(), [thingHappened({ n: 1 }), thingHappened({ n: 2 })]);
    await waitFor('2 messages on the topic', async () => (await topicSize(admin, topic)) >= 2);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const admins = jest.spyOn(kafka, 'admin');
    const subject = consumer({
      groupId,
      topics: [topic],
      catalogue,
      handle: async (event, m) => {
        await gate;
        await m.query(`INSERT INTO ${applied} (consumer_group, event_id) VALUES ($1, $2)`, [groupId, event.id]);
      },
    });
    await subject.start();
    try {
      // the handler holds the first event: both are still to do
      expect(await subject.lag()).toBe(2);
      release();
      await waitFor('caught up', async () => subject.stats.handled === 2 && (await subject.lag()) === 0);
      expect(admins).toHaveBeenCalledTimes(1);
      // stopping lets the connection go; the next call after a start connects again
      await subject.stop();
      await subject.start();
      expect(await subject.lag()).toBe(0);
      expect(admins).toHaveBeenCalledTimes(2);
    } finally {
      await subject.stop();
      admins.mockRestore();
    }
  });

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
      const ids = events.filter((e) => e !== refused).map((e) => e.id).sort();
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

  it('passes over the types its handler does not act on without a transaction or an inbox row, yet still parks an invalid one', async () => {
    const { topic, groupId, catalogue, store } = await setUp();
    const stream = randomUUID();
    const events = [thingHappened({ n: 1 }), thingHappened({ n: 2 }), thingHappened({ n: 3 })];
    await append(store, stream, events);
    const invalid = await publishInvalidThing(topic, stream, 4);
    await waitFor('4 messages on the topic', async () => (await topicSize(admin, topic)) >= 4);

    const seenByHandler: string[] = [];
    const seenByBatch: string[] = [];
    const batchGroup = `${groupId}-batch`;
    groups.push(batchGroup);
    await ensureTopics(kafka, [deadLetterTopic(batchGroup)]);
    topics.push(deadLetterTopic(batchGroup));
    const oneAtATime = consumer({ groupId, topics: [topic], catalogue, types: ['test.something-else.v1'], handle: async (event) => void seenByHandler.push(event.id) });
    const inChunks = consumer({ groupId: batchGroup, topics: [topic], catalogue, types: ['test.something-else.v1'], handleBatch: async (batch) => void seenByBatch.push(...batch.map((e) => e.id)) });
    await oneAtATime.start();
    await inChunks.start();
    try {
      await waitFor('both groups past every message', async () => (await groupCaughtUp(admin, groupId, topic)) && (await groupCaughtUp(admin, batchGroup, topic)), 30_000, 100);
    } finally {
      await oneAtATime.stop();
      await inChunks.stop();
    }
    expect(seenByHandler).toEqual([]);
    expect(seenByBatch).toEqual([]);
    expect(await inboxIds(groupId)).toEqual([]);
    expect(await inboxIds(batchGroup)).toEqual([]);
    expect(oneAtATime.stats).toEqual({ handled: 0, parked: 1 });
    expect(inChunks.stats).toEqual({ handled: 0, parked: 1 });
    for (const group of [groupId, batchGroup]) expect((await readTopic(kafka, admin, deadLetterTopic(group))).map((m) => m.headers.ce_id)).toEqual([invalid.id]);
  });

  it('commits the offsets of what it has handled while it works through a long batch, not only at its end', async () => {
    const { topic, groupId, catalogue, store } = await setUp();
    const events = Array.from({ length: 150 }, (_, n) => thingHappened({ n }));
    // one stream: one partition, fetched in one batch
    await append(store, randomUUID(), events);
    await waitFor('150 messages on the topic', async () => (await topicSize(admin, topic)) >= 150);

    let handled = 0;
    const subject = consumer({
      groupId,
      topics: [topic],
      catalogue,
      handle: async (event, m) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        await m.query(`INSERT INTO ${applied} (consumer_group, event_id) VALUES ($1, $2)`, [groupId, event.id]);
        handled++;
      },
    });
    const committed = async () => Math.max(...(await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions.map((p) => Number(p.offset)));
    await subject.start();
    let handledAtFirstCommit = -1;
    try {
      await waitFor('a first committed offset', async () => (await committed()) > 0 && (handledAtFirstCommit = handled) >= 0, 30_000, 50);
      await waitFor('every event handled', () => handled === events.length, 30_000);
    } finally {
      await subject.stop();
    }
    // ~3 s of work in one batch: the first commit came about a second in, far from the end
    expect(handledAtFirstCommit).toBeGreaterThan(0);
    expect(handledAtFirstCommit).toBeLessThan(events.length - 20);
    expect(await appliedIds(groupId)).toEqual(events.map((e) => e.id).sort());
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

  it('joins its group in the background when asked to, and says when it has joined', async () => {
    const { topic, groupId, catalogue, store } = await setUp();
    const subject = consumer({ groupId, topics: [topic], catalogue });
    expect(subject.joined).toBe(false);
    subject.startInBackground();
    try {
      await waitFor('joined', () => subject.joined, 30_000, 50);
      const event = thingHappened({ n: 1 });
      await append(store, randomUUID(), [event]);
      await waitFor('the event handled', async () => (await appliedIds(groupId)).includes(event.id), 30_000, 100);
    } finally {
      await subject.stop();
    }
    expect(subject.joined).toBe(false);
  });
  it("parks an event whose ce_source is not its topic's owning service, and handles the owner's", async () => {
    const groupId = uniqueName('test-owner-check');
    await ensureTopics(kafka, [ROSTER_TOPIC, deadLetterTopic(groupId)]);
    topics.push(deadLetterTopic(groupId));
    groups.push(groupId);
    const seen: string[] = [];
    const subject = consumer({ groupId, topics: [ROSTER_TOPIC], catalogue: eventCatalogue, fromBeginning: false, handle: async (event) => void seen.push(event.id) });
    await subject.start();
    try {
      const memberId = `m-${randomUUID()}`;
      // routing owns the roster: the same event from intake is a forgery (or a misconfigured producer)
      const [forged, genuine] = await publishEvents([
        { type: 'support.member.went-on-duty.v1', source: 'intake', streamId: memberId, data: { memberId } },
        { type: 'support.member.went-on-duty.v1', source: 'routing', streamId: memberId, data: { memberId } },
      ]);
      await waitFor('the genuine event handled and the forged one parked', () => seen.includes(genuine) && subject.stats.parked === 1, 30_000);
      expect(seen).not.toContain(forged);
      const parked = await readTopic(kafka, admin, deadLetterTopic(groupId));
      expect(parked.map((m) => m.headers.ce_id)).toEqual([forged]);
      expect(parked[0].headers.dlq_error).toMatch(/comes from intake, not routing/);
    } finally {
      await subject.stop();
    }
  });
});
