import { Admin } from 'kafkajs';
import { MessagingClient } from './kafka-client';

/**
 * One admin connection, connected on first use and kept until dropped: a status page polls a consumer's
 * lag and parked messages often. A failed call drops it, so the next one connects afresh.
 */
export class SharedAdmin {
  private admin?: Promise<Admin>;

  constructor(private readonly kafka: MessagingClient) {}

  async use<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
    try {
      return await this.attempt(work);
    } catch (error) {
      // stale metadata (a topic created or moved since this admin last read the cluster, e.g. a dead-letter
      // topic its first parked message just made): once more, on the fresh connection
      if (!(error as { retriable?: boolean })?.retriable) throw error;
      return this.attempt(work);
    }
  }

  private async attempt<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })().catch((error) => {
      this.admin = undefined;
      throw error;
    });
    const admin = await this.admin;
    try {
      return await work(admin);
    } catch (error) {
      // a broker restart, say: the next call connects afresh
      await this.drop();
      throw error;
    }
  }

  async drop(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.then((connected) => connected.disconnect()).catch(() => undefined);
  }
}

export interface LagQuery {
  groupId: string;
  topics: readonly string[];
  /** next offset to handle per `topic:partition`, as far as this instance has got */
  reached: ReadonlyMap<string, number>;
  /** where a partition the group has no offset for starts: its beginning, or its end */
  fromBeginning: boolean;
}

/**
 * Events on the topics that the group has not handled yet (0 = caught up): each partition's end minus
 * the furthest of this instance's position and the group's committed offset.
 */
export async function groupLag(admin: Admin, query: LagQuery): Promise<number> {
  const committed = await admin.fetchOffsets({ groupId: query.groupId, topics: [...query.topics] });
  let lag = 0;
  for (const topic of query.topics) {
    const group = new Map(committed.find((c) => c.topic === topic)?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
    for (const { partition, low, high } of await admin.fetchTopicOffsets(topic)) {
      const start = query.fromBeginning ? Number(low) : Number(high);
      const at = Math.max(query.reached.get(`${topic}:${partition}`) ?? -1, group.get(partition) ?? -1);
      lag += Math.max(0, Number(high) - (at < 0 ? start : at));
    }
  }
  return lag;
}

/** deletes a consumer group, and with it its committed offsets (the group must be empty) */
export async function deleteGroup(kafka: MessagingClient, groupId: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteGroups([groupId]);
  } finally {
    await admin.disconnect();
  }
}
