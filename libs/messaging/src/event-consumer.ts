import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Consumer, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { EventCatalogue } from '@support/contracts';
import { qualified } from '@support/event-store';
import { createIdempotentProducer } from './kafka-client';
import { ConsumedEvent, fromKafkaMessage } from './cloud-event.codec';

/** Runs inside the transaction that also records the event in the inbox. */
export type EventHandler = (event: ConsumedEvent, manager: EntityManager) => Promise<void>;

export interface EventConsumerOptions {
  schema: string;
  groupId: string;
  topics: string[];
  kafka: Kafka;
  dataSource: DataSource;
  catalogue: EventCatalogue;
  handle: EventHandler;
  /** attempts after the first failure before the event is parked */
  retries?: number;
  backoffMs?: number;
  onError?: (error: unknown, event: { topic: string; partition: number; offset: string }) => void;
  /** where a new group starts: the topic's beginning (default: every event ever) or its end */
  fromBeginning?: boolean;
}

/** Parked events of one consumer group go to their own topic, so they can be looked at and replayed. */
export function deadLetterTopic(groupId: string): string {
  return `support.dlq.${groupId}`;
}

class PoisonMessage extends Error {}

/**
 * A consumer group member with exactly-once effects: each event's handler runs in one database
 * transaction together with the inbox row (group, event id), so a redelivered event changes nothing.
 * A failing event is retried with back-off, then parked on the dead-letter topic, and the partition
 * moves on.
 */
export class EventConsumer {
  private readonly inbox: string;
  private consumer?: Consumer;
  private producer?: Producer;
  private handled = 0;
  private parked = 0;

  constructor(private readonly options: EventConsumerOptions) {
    this.inbox = qualified(options.schema, 'inbox');
  }

  get stats() {
    return { handled: this.handled, parked: this.parked };
  }

  async start(): Promise<void> {
    this.producer = createIdempotentProducer(this.options.kafka);
    await this.producer.connect();
    this.consumer = this.options.kafka.consumer({ groupId: this.options.groupId, allowAutoTopicCreation: false });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? true });
    const joined = new Promise<void>((resolve) => this.consumer!.on(this.consumer!.events.GROUP_JOIN, () => resolve()));
    await this.consumer.run({
      eachMessage: async ({ topic, partition, message }) => this.process(message, { topic, partition, offset: message.offset }),
    });
    // resolve once partitions are assigned, so what is published after start() is seen
    await joined;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
  }

  /**
   * Runs every event parked so far back through the handler (after a fix, say). Events that are
   * handled leave the inbox no-op behind for later replays; those that fail again are parked anew.
   * Needs a started consumer (its producer re-parks).
   */
  async replayParked(): Promise<{ replayed: number }> {
    const topic = deadLetterTopic(this.options.groupId);
    const admin = this.options.kafka.admin();
    await admin.connect();
    const ends = (await admin.listTopics()).includes(topic) ? await admin.fetchTopicOffsets(topic) : [];
    await admin.disconnect();
    // only what was parked before the call: re-parked events wait for the next replay
    const pending = new Map(ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => [e.partition, Number(e.high)]));
    if (pending.size === 0) return { replayed: 0 };

    const replayGroup = `${this.options.groupId}.replay.${randomUUID()}`;
    const replayer = this.options.kafka.consumer({ groupId: replayGroup });
    let replayed = 0;
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    await replayer.connect();
    await replayer.subscribe({ topic, fromBeginning: true });
    await replayer.run({
      eachMessage: async ({ partition, message }) => {
        const end = pending.get(partition);
        if (end === undefined || Number(message.offset) >= end) return;
        const origin = (name: string) => message.headers?.[name]?.toString();
        await this.process(message, { topic: origin('dlq_topic') ?? topic, partition: Number(origin('dlq_partition') ?? partition), offset: origin('dlq_offset') ?? message.offset });
        replayed++;
        if (Number(message.offset) >= end - 1) pending.delete(partition);
        if (pending.size === 0) finished();
      },
    });
    await done;
    await replayer.disconnect();
    const cleanup = this.options.kafka.admin();
    await cleanup.connect();
    await cleanup.deleteGroups([replayGroup]).catch(() => undefined);
    await cleanup.disconnect();
    return { replayed };
  }

  private async process(message: KafkaMessage, where: { topic: string; partition: number; offset: string }): Promise<void> {
    const retries = this.options.retries ?? 3;
    const backoffMs = this.options.backoffMs ?? 200;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.handleOnce(message, where);
        return;
      } catch (error) {
        this.options.onError?.(error, where);
        // the database being away is not the event's fault: never park for it; kafkajs redelivers
        if (isInfrastructureError(error) && attempt >= retries) throw error;
        if (error instanceof PoisonMessage || attempt >= retries) {
          await this.park(message, where, error);
          return;
        }
        await sleep(backoffMs * 2 ** attempt);
      }
    }
  }

  private async handleOnce(message: KafkaMessage, where: { topic: string; partition: number; offset: string }): Promise<void> {
    let event: ConsumedEvent;
    try {
      event = fromKafkaMessage(message, where);
    } catch (error) {
      throw new PoisonMessage(`not a CloudEvent: ${(error as Error).message}`);
    }
    if (this.options.catalogue.has(event.type)) {
      const valid = this.options.catalogue.validate(event.type, event.data);
      if (!valid.ok) throw new PoisonMessage(`${event.type} does not match its schema: ${valid.errors.join('; ')}`);
    }
    const applied = await this.options.dataSource.transaction(async (manager) => {
      const seen = await manager.query(`SELECT 1 FROM ${this.inbox} WHERE consumer_group = $1 AND event_id = $2`, [this.options.groupId, event.id]);
      if (seen.length > 0) return false;
      await this.options.handle(event, manager);
      // a concurrent duplicate makes this insert fail, which rolls the handler's writes back
      await manager.query(`INSERT INTO ${this.inbox} (consumer_group, event_id, topic) VALUES ($1, $2, $3)`, [this.options.groupId, event.id, where.topic]);
      return true;
    });
    if (applied) this.handled++;
  }

  private async park(message: KafkaMessage, where: { topic: string; partition: number; offset: string }, error: unknown): Promise<void> {
    const headers: IHeaders = {
      ...message.headers,
      dlq_error: String((error as Error)?.message ?? error).slice(0, 2000),
      dlq_group: this.options.groupId,
      dlq_topic: where.topic,
      dlq_partition: String(where.partition),
      dlq_offset: where.offset,
      dlq_parked_at: new Date().toISOString(),
    };
    await this.producer!.send({ topic: deadLetterTopic(this.options.groupId), messages: [{ key: message.key, value: message.value, headers }] });
    this.parked++;
  }
}

/** connection-level failures (PostgreSQL down or restarting), as opposed to a handler refusing an event */
export function isInfrastructureError(error: unknown): boolean {
  const e = error as { code?: string; message?: string; driverError?: { code?: string } };
  const code = e?.driverError?.code ?? e?.code ?? '';
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006'].includes(code)) return true;
  return /Connection terminated|connection error|not queryable|timeout exceeded when trying to connect/i.test(e?.message ?? '');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
