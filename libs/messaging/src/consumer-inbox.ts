import { DataSource, EntityManager } from 'typeorm';
import { KafkaMessage } from 'kafkajs';
import { qualified } from '@support/event-store';
import { ConsumedEvent } from './cloud-event.codec';
import { BatchEventHandler, EventHandler } from './consumer-options';
import { eventIdOf } from './event-decoding';

/** the Kafka group id of a service's consumer group: `<schema>.<group>` (the group as its `@EventPattern` names it) */
export function consumerGroupId(schema: string, group: string): string {
  return `${schema}.${group}`;
}

/**
 * What the service's consumer groups took in of their topics: the ids in their inboxes, for a replay's
 * `takenIn` (readRecordedEvents), so a service that joined the topics late (a new deployment, a test's
 * service) replays what it acted on, not the history before it.
 */
export async function takenInBy(dataSource: DataSource, schema: string, groups: readonly string[]): Promise<Set<string>> {
  const takenIn = new Set<string>();
  for (const group of groups) for (const id of await new ConsumerInbox(schema, consumerGroupId(schema, group), dataSource).handledIds()) takenIn.add(id);
  return takenIn;
}

/**
 * A consumer group's inbox: one row per (group, event id) handled, written in the handler's transaction,
 * so a redelivered event changes nothing.
 */
export class ConsumerInbox {
  private readonly table: string;

  constructor(
    schema: string,
    private readonly groupId: string,
    private readonly dataSource: DataSource,
  ) {
    this.table = qualified(schema, 'inbox');
  }

  /** the ids of every event the group handled: what it took in of its topics (a replay takes in the same) */
  async handledIds(): Promise<Set<string>> {
    const rows: Array<{ event_id: string }> = await this.dataSource.query(`SELECT event_id FROM ${this.table} WHERE consumer_group = $1`, [this.groupId]);
    return new Set(rows.map((row) => row.event_id));
  }

  /** runs `handle` and records the event in one transaction; false when the group had handled it already */
  async applyOnce(event: ConsumedEvent, topic: string, handle: EventHandler): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const seen = await manager.query(`SELECT 1 FROM ${this.table} WHERE consumer_group = $1 AND event_id = $2`, [this.groupId, event.id]);
      if (seen.length > 0) return false;
      await handle(event, manager);
      // a concurrent duplicate makes this insert fail, which rolls the handler's writes back
      await manager.query(`INSERT INTO ${this.table} (consumer_group, event_id, topic) VALUES ($1, $2, $3)`, [this.groupId, event.id, topic]);
      return true;
    });
  }

  /** records the events and runs `handleBatch` on the fresh ones in one transaction; the fresh ones */
  async applyAllOnce(events: ConsumedEvent[], topic: string, handleBatch: BatchEventHandler): Promise<ConsumedEvent[]> {
    return this.dataSource.transaction(async (manager) => {
      // the inbox rows first, in one statement: the events it inserts are the fresh ones; a concurrent
      // duplicate waits for the other transaction and is then passed over
      const rows: Array<{ event_id: string }> = await manager.query(
        `INSERT INTO ${this.table} (consumer_group, event_id, topic) SELECT $1, unnest($2::uuid[]), $3 ON CONFLICT DO NOTHING RETURNING event_id`,
        [this.groupId, [...new Set(events.map((e) => e.id))], topic],
      );
      const claimed = new Set(rows.map((r) => r.event_id));
      // an event delivered twice within the chunk counts once
      const fresh = events.filter((e) => claimed.delete(e.id));
      if (fresh.length > 0) await handleBatch(fresh, manager);
      return fresh;
    });
  }

  /**
   * The events of a fetched batch that this group has handled already, in one query outside any
   * transaction: a redelivered stretch (a rewind, a restart) is passed over without a transaction per
   * event. Only a hint; each event's own transaction still checks the inbox.
   */
  async handledAmong(messages: KafkaMessage[]): Promise<Set<string>> {
    const ids = messages.map(eventIdOf).filter((id): id is string => id !== undefined);
    if (ids.length === 0) return new Set();
    try {
      const rows: Array<{ event_id: string }> = await this.dataSource.query(`SELECT event_id FROM ${this.table} WHERE consumer_group = $1 AND event_id = ANY($2::uuid[])`, [
        this.groupId,
        ids,
      ]);
      return new Set(rows.map((row) => row.event_id));
    } catch {
      // the database is away: each event finds that out in its own transaction, and is retried
      return new Set();
    }
  }

  /** forgets every event of the group (a rebuild), in the caller's transaction */
  async forget(manager: EntityManager): Promise<void> {
    await manager.query(`DELETE FROM ${this.table} WHERE consumer_group = $1`, [this.groupId]);
  }
}
