import { randomUUID } from 'node:crypto';
import { Admin, Kafka } from 'kafkajs';
import { EventHandler } from '@support/messaging';
import { consumerHarness, ConsumerHarness } from './support/consumer-harness';
import { groupCaughtUp, thingHappened, topicSize, waitFor } from './support/messaging.fixtures';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

describe('event consumer: inbox, offsets and lag on Kafka', () => {
  const harness = consumerHarness();
  const { setUp, append, consumer, inboxIds, appliedIds } = harness;
  let kafka: Kafka;
  let admin: Admin;
  let db: ConsumerHarness['db'];
  let applied: string;
  // registered after the harness's hooks, so these run once it has connected
  beforeAll(() => ({ kafka, admin, db, applied } = harness));

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
});
