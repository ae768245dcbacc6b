import { Admin } from 'kafkajs';
import { MessagingClient } from './kafka-client';

/** A partition's first and next offset. */
export interface PartitionOffsets {
  partition: number;
  low: number;
  high: number;
}

/** A consumer group's committed offset on a partition (-1: none). */
export interface CommittedOffset {
  topic: string;
  partition: number;
  offset: number;
}

/** A consumer group as the cluster describes it. */
export interface GroupState {
  groupId: string;
  state: string;
  members: number;
}

/**
 * The cluster operations tests and tools need (offsets, groups, topics), over one connection, without
 * handing out the client library's own admin.
 */
export class TopicAdmin {
  private constructor(private readonly admin: Admin) {}

  /** a connected admin; close() it, or use {@link withTopicAdmin} */
  static async open(client: MessagingClient): Promise<TopicAdmin> {
    const admin = client.admin();
    await admin.connect();
    return new TopicAdmin(admin);
  }

  async topics(): Promise<string[]> {
    return this.admin.listTopics();
  }

  /** every consumer group's id */
  async groups(): Promise<string[]> {
    return (await this.admin.listGroups()).groups.map((group) => group.groupId);
  }

  async topicOffsets(topic: string): Promise<PartitionOffsets[]> {
    return (await this.admin.fetchTopicOffsets(topic)).map(({ partition, low, high }) => ({ partition, low: Number(low), high: Number(high) }));
  }

  /** commits the topic's current end for a group with no member running: it starts from what comes next */
  async moveGroupToEnd(groupId: string, topic: string): Promise<void> {
    const ends = await this.topicOffsets(topic);
    await this.admin.setOffsets({ groupId, topic, partitions: ends.map(({ partition, high }) => ({ partition, offset: String(high) })) });
  }

  /** moves a group with no member running back to offset 0 of the topic */
  async rewindGroup(groupId: string, topic: string): Promise<void> {
    await this.admin.resetOffsets({ groupId, topic, earliest: true });
  }

  async committedOffsets(groupId: string, topics: readonly string[]): Promise<CommittedOffset[]> {
    const committed = await this.admin.fetchOffsets({ groupId, topics: [...topics] });
    return committed.flatMap(({ topic, partitions }) => partitions.map(({ partition, offset }) => ({ topic, partition, offset: Number(offset) })));
  }

  async describeGroups(groupIds: readonly string[]): Promise<GroupState[]> {
    const { groups } = await this.admin.describeGroups([...groupIds]);
    return groups.map((group) => ({ groupId: group.groupId, state: group.state, members: group.members.length }));
  }

  async deleteGroups(groupIds: readonly string[]): Promise<void> {
    await this.admin.deleteGroups([...groupIds]);
  }

  async deleteTopics(topics: readonly string[]): Promise<void> {
    await this.admin.deleteTopics({ topics: [...topics] });
  }

  async close(): Promise<void> {
    await this.admin.disconnect();
  }
}

/** runs `work` with a connected {@link TopicAdmin}, closed afterwards */
export async function withTopicAdmin<T>(client: MessagingClient, work: (admin: TopicAdmin) => Promise<T>): Promise<T> {
  const admin = await TopicAdmin.open(client);
  try {
    return await work(admin);
  } finally {
    await admin.close().catch(() => undefined);
  }
}
