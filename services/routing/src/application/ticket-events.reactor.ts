import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Actor, TicketEvent } from '@support/contracts';
import { ConsumedEvent, EventContext, EventHandlers } from '@support/messaging';
import { ROUTING_TICKET_EVENTS, RoutingEngine } from './routing-engine';

/** routing's own service identity on the decisions it takes by itself */
const AUTOMATIC: Actor = { id: 'routing', role: 'service' };

/**
 * Ticket events decided in one transaction (one lock, one roster read, one append): enough to spread a
 * transaction's fixed cost thin, few enough that a chunk ends well within the group session (the consumer
 * heartbeats between chunks) and a manual assignment never waits long for the lock.
 */
const TICKET_EVENTS_PER_TRANSACTION = 100;

/** the consumer group (`<schema>.ticket-events`) whose inbox says which ticket events routing took in */
export const TICKET_EVENTS_GROUP = 'ticket-events';

/**
 * Feeds intake's ticket events to routing: a fetched chunk of a partition in the consumer's one transaction
 * (with its inbox rows), each event the cause of what routing decides because of it.
 */
@EventHandlers()
export class TicketEventsReactor {
  constructor(private readonly engine: RoutingEngine) {}

  @EventPattern(ROUTING_TICKET_EVENTS, { group: TICKET_EVENTS_GROUP, batchSize: TICKET_EVENTS_PER_TRANSACTION })
  handle(@Payload() events: ConsumedEvent[], @Ctx() { manager }: EventContext): Promise<void> {
    return this.engine.onTicketEvents(
      manager,
      events.map((event) => ({
        event: { type: event.type, data: event.data } as TicketEvent,
        cause: {
          actor: AUTOMATIC,
          causationId: event.id,
          correlationId: event.correlationId ?? event.id,
          // in a chunk the handling runs in no one event's span: each decision continues its own event's
          ...(event.trace ? { trace: event.trace } : {}),
        },
      })),
    );
  }
}
