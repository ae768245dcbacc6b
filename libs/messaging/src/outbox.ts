import { EntityManager } from 'typeorm';
import { EventCatalogue, RecordedEvent } from '@support/contracts';
import { AppendListener } from '@support/command-handling';
import { qualified } from '@support/event-store';
import { toKafkaMessage } from './cloud-event.codec';

export function outboxChannel(schema: string): string {
  return `${schema}_outbox`;
}

/**
 * Writes every appended event to the outbox in the appending transaction, already encoded as
 * the Kafka message the relay will send; NOTIFY (delivered at commit) wakes the relay at once.
 * A row takes its event's reading order (`transaction_id`), so the relay sends a stream's events in
 * stream order.
 */
export class Outbox implements AppendListener {
  private readonly table: string;

  constructor(
    private readonly schema: string,
    private readonly source: string,
    private readonly catalogue: EventCatalogue,
  ) {
    this.table = qualified(schema, 'outbox');
  }

  /** the events as stored: what the pipeline's transforms sealed stays sealed on every topic */
  async onAppended(manager: EntityManager, events: RecordedEvent[]): Promise<void> {
    if (events.length === 0) return;
    const values: unknown[] = [];
    const tuples = events.map((event) => {
      const message = toKafkaMessage(event, this.source, this.catalogue.definition(event.type).topic);
      const base = values.length;
      values.push(event.transactionId, event.id, message.topic, message.key, JSON.stringify(message.headers), JSON.stringify(message.value));
      return `($${base + 1}::xid8, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}, $${base + 6})`;
    });
    values.push(outboxChannel(this.schema));
    // the rows and the NOTIFY in one round trip
    await manager.query(
      `WITH written AS (INSERT INTO ${this.table} (transaction_id, event_id, topic, message_key, headers, payload) VALUES ${tuples.join(', ')} RETURNING 1)
       SELECT pg_notify($${values.length}, '') FROM (SELECT 1 FROM written LIMIT 1) AS one`,
      values,
    );
  }
}
