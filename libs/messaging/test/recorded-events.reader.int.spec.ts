import { randomUUID } from 'node:crypto';
import { EventCatalogue, defineEvent } from '@support/contracts';
import { createKafka, EncodedEvent, ensureTopics, MessagingClient, publishRaw, readRecordedEvents, toKafkaMessage, withTopicAdmin } from '@support/messaging';
import { kafkaAs } from '@support/test-kit';
import { actor, uniqueName } from './support/messaging.fixtures';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const HAPPENED = 'test.replay-thing-happened.v1';

describe('readRecordedEvents: the record of topics for a replay, read without moving anything', () => {
  const topics = [uniqueName('test.replay-a'), uniqueName('test.replay-b')];
  const catalogue = new EventCatalogue(
    topics.map((topic, i) =>
      defineEvent({
        type: `${HAPPENED}`.replace('thing', `thing-${i}`),
        topic,
        aggregate: 'thing',
        description: 'replay reader int tests only',
        schema: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } }, additionalProperties: false },
      }),
    ),
  );
  const typeOn = (i: number) => `${HAPPENED}`.replace('thing', `thing-${i}`);
  let kafka: MessagingClient;

  // n, topic index, stream, minute of 2026-03-02T10:mm: the record, published out of time order across topics
  const recorded: Array<[number, number, string, number]> = [
    [1, 0, 'a', 5],
    [2, 0, 'a', 7],
    [3, 1, 'b', 1],
    [4, 1, 'b', 6],
    [5, 0, 'c', 9],
    [6, 1, 'c', 30],
  ];

  beforeAll(async () => {
    kafka = createKafka('messaging-replay-int', kafkaAs('admin'));
    await ensureTopics(kafka, topics);
    const versions = new Map<string, number>();
    await publishRaw(kafka, [
      ...recorded.map(([n, t, stream, minute]) => {
        const version = (versions.get(stream) ?? 0) + 1;
        versions.set(stream, version);
        const event: EncodedEvent = {
          id: randomUUID(),
          type: typeOn(t),
          data: { n },
          occurredAt: new Date(Date.UTC(2026, 2, 2, 2, minute)),
          metadata: { actor, causationId: null, correlationId: null },
          streamId: stream,
          version,
          hash: 'test',
        };
        const message = toKafkaMessage(event, 'test', topics[t]);
        return { topic: topics[t], key: message.key, value: JSON.stringify(message.value), headers: message.headers };
      }),
      // not a CloudEvent: a consumer parks it, a replay passes over it
      { topic: topics[0], key: 'x', value: 'not an event' },
    ]);
  });

  afterAll(async () => {
    await withTopicAdmin(kafka, (admin) => admin.deleteTopics(topics)).catch(() => undefined);
  });

  it('reads every event up to the instant in recorded order, passes over the unreadable, and leaves no group and no offset behind', async () => {
    const ends = async () => withTopicAdmin(kafka, async (admin) => Promise.all(topics.map((topic) => admin.topicOffsets(topic))));
    const before = await ends();
    const groupPrefix = `t_replay_${randomUUID().slice(0, 8)}.`;

    const { events, unreadable } = await readRecordedEvents(kafka, topics, { groupPrefix, upTo: new Date(Date.UTC(2026, 2, 2, 2, 9)), catalogue });

    // 10:30 is after the instant; the rest by time across both topics
    expect(events.map((event) => (event.data as { n: number }).n)).toEqual([3, 1, 4, 2, 5]);
    expect(unreadable).toBe(1);
    expect(await ends()).toEqual(before);
    const groups = await withTopicAdmin(kafka, (admin) => admin.groups());
    expect(groups.filter((group) => group.startsWith(groupPrefix))).toEqual([]);
  });
});
