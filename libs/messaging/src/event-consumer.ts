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
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ topic, partition, message }) => this.process(message, { topic, partition, offset: message.offset }),
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
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
    await this.options.dataSource.transaction(async (manager) => {
      const seen = await manager.query(`SELECT 1 FROM ${this.inbox} WHERE consumer_group = $1 AND event_id = $2`, [this.options.groupId, event.id]);
      if (seen.length > 0) return;
      await this.options.handle(event, manager);
      // a concurrent duplicate makes this insert fail, which rolls the handler's writes back
      await manager.query(`INSERT INTO ${this.inbox} (consumer_group, event_id, topic) VALUES ($1, $2, $3)`, [this.options.groupId, event.id, where.topic]);
      this.handled++;
    });
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
