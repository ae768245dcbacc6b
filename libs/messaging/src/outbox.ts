import { EntityManager } from 'typeorm';
import { EventCatalogue } from '@support/contracts';
import { ChainedEvent, OutboxMessage, OutboxMessages } from '@support/event-store';
import { toKafkaMessage } from './cloud-event.codec';
import { OutboxWakeUp } from './outbox-wake-up';
import { activeTraceContext } from './trace-context';

export function outboxChannel(schema: string): string {
  return `${schema}_outbox`;
}

/**
 * The Kafka message of every appended event, written by the append into the outbox in the same call
 * (see append-in-one-call.migration.ts), already encoded as the relay will send it. A row takes its
 * event's reading order (`transaction_id`), so the relay sends a stream's events in stream order; a
 * NOTIFY after the commit wakes the relay at once (see outbox-wake-up.ts). Events go out as stored: what
 * the pipeline's transforms sealed stays sealed on every topic. The row's headers keep the event's trace
 * context (`ce_traceparent`), so the relay's later send continues the trace of the request, not its own.
 */
export class Outbox implements OutboxMessages {
  private readonly channel: string;

  constructor(
    schema: string,
    private readonly source: string,
    private readonly catalogue: EventCatalogue,
  ) {
    this.channel = outboxChannel(schema);
  }

  messageFor({ event, streamId, version, hash }: ChainedEvent): OutboxMessage {
    // the trace taken when the command was submitted, else the one appending (a reactor's, in its consumer span)
    const trace = event.trace ?? activeTraceContext();
    const { topic, headers } = toKafkaMessage({ ...event, trace, streamId, version, hash }, this.source, this.catalogue.definition(event.type).topic);
    return { topic, headers };
  }

  written(manager: EntityManager): void {
    if (manager.queryRunner) OutboxWakeUp.on(manager.connection, this.channel).mark(manager.queryRunner);
  }
}
