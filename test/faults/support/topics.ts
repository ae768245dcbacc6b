import { MessagingClient, provisionKafka, publishRaw, readTopicFromStart, TopicMessage, withTopicAdmin } from '@support/messaging';
import { testMessagingClient, waitFor } from '@support/test-kit';

export type { TopicMessage } from '@support/messaging';

function client(brokers: string[]): MessagingClient {
  // as the operator (admin): it reads every topic and rewinds the services' groups
  return testMessagingClient('fault-suite', { brokers });
}

/** Every message of a topic from offset 0 up to its end as it is when called, as any other reader would see it. */
export async function readTopic(brokers: string[], topic: string, timeoutMs = 120_000): Promise<TopicMessage[]> {
  return readTopicFromStart(client(brokers), topic, { timeoutMs });
}

/**
 * Moves a consumer group (no member running) back to offset 0 of each topic that holds messages, and
 * returns the offsets it then has. An empty topic is left out: offset 0 is where the group is on it
 * anyway, and a reset costs a consumer session of ~5 s per topic.
 */
export async function rewindGroup(brokers: string[], groupId: string, topics: string[]): Promise<Array<{ topic: string; partition: number; offset: string }>> {
  return withTopicAdmin(client(brokers), async (admin) => {
    const withMessages: string[] = [];
    for (const topic of topics) if ((await admin.topicOffsets(topic)).some((p) => p.high > 0)) withMessages.push(topic);
    for (const topic of withMessages) await admin.rewindGroup(groupId, topic);
    const committed = await admin.committedOffsets(groupId, withMessages);
    return committed.map(({ topic, partition, offset }) => ({ topic, partition, offset: String(offset) }));
  });
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
  return withTopicAdmin(client(brokers), async (admin) => {
    const ends = new Map<string, Map<number, number>>();
    for (const topic of topics) ends.set(topic, new Map((await admin.topicOffsets(topic)).map((p) => [p.partition, p.high])));
    return ends;
  });
}

/** Where each consumer group is: its state, its members, and how far it is from `targets` (committed offsets). */
export async function groupPositions(brokers: string[], groups: Record<string, string[]>, targets: Map<string, Map<number, number>>): Promise<GroupPosition[]> {
  return withTopicAdmin(client(brokers), async (admin) => {
    const described = new Map((await admin.describeGroups(Object.keys(groups))).map((g) => [g.groupId, g]));
    const positions: GroupPosition[] = [];
    for (const [group, topics] of Object.entries(groups)) {
      const behind: GroupPosition['behind'] = [];
      for (const { topic, partition, offset } of await admin.committedOffsets(group, topics)) {
        const target = targets.get(topic)?.get(partition) ?? 0;
        if (target > 0 && offset < target) behind.push({ topic, partition, committed: offset, target });
      }
      positions.push({ group, state: described.get(group)?.state ?? 'Unknown', members: described.get(group)?.members ?? 0, behind });
    }
    return positions;
  });
}

/** Messages that are not CloudEvents at all: random bytes, no headers. */
export async function produceGarbage(brokers: string[], messages: Array<{ topic: string; key: string; value: Buffer }>): Promise<void> {
  await publishRaw(client(brokers), messages);
}

/**
 * Deletes every topic of the system (and the dead-letter topics) and provisions them anew, empty, as
 * test/faults/run.sh did at the start: the suite's test files share one broker, and a file's services
 * read every topic from offset 0, so another file's tickets must not be there (its routing would decide them).
 */
export async function emptyTopics(brokers: string[]): Promise<void> {
  const ours = (topics: string[]) => topics.filter((t) => t.startsWith('support.'));
  await withTopicAdmin(client(brokers), async (admin) => {
    const topics = ours(await admin.topics());
    if (topics.length > 0) await admin.deleteTopics(topics);
    await waitFor('the deleted topics gone', async () => ours(await admin.topics()).length === 0, { timeoutMs: 60_000, intervalMs: 500 });
  });
  await provisionKafka(client(brokers), { extraGroupPrefixes: ['faults_'] });
}
