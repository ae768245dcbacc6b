import { randomUUID } from 'node:crypto';
import { Admin, Kafka } from 'kafkajs';
import { eventCatalogue, ROSTER_TOPIC } from '@support/contracts';
import { ConsumedEvent, deadLetterTopic, ensureTopics } from '@support/messaging';
import { publishEvents } from '@support/test-kit';
import { consumerHarness } from './support/consumer-harness';
import { groupCaughtUp, readTopic, thingHappened, topicSize, uniqueName, waitFor } from './support/messaging.fixtures';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

describe('event consumer: dead letters and replay on Kafka', () => {
  const harness = consumerHarness();
  const { topics, groups, setUp, append, consumer, publishInvalidThing, inboxIds, appliedIds } = harness;
  let kafka: Kafka;
  let admin: Admin;
  let applied: string;
  // registered after the harness's hooks, so these run once it has connected
  beforeAll(() => ({ kafka, admin, applied } = harness));

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
    const inChunks = consumer({
      groupId: batchGroup,
      topics: [topic],
      catalogue,
      types: ['test.something-else.v1'],
      handleBatch: async (batch) => void seenByBatch.push(...batch.map((e) => e.id)),
    });
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
