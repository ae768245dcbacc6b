import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Actor, TicketEvent } from '@support/contracts';
import { ConsumedEvent, EventContext, EventHandlers } from '@support/messaging';
import { ROUTING_TICKET_EVENTS, RoutingEngine } from './routing-engine';

/** routing's own service identity on the decisions it takes by itself */
const AUTOMATIC: Actor = { id: 'routing', role: 'service' };

/** Feeds intake's ticket events to routing, each in the consumer's transaction (with its inbox row). */
@EventHandlers()
export class TicketEventsReactor {
  constructor(private readonly engine: RoutingEngine) {}

  @EventPattern(ROUTING_TICKET_EVENTS, { group: 'ticket-events' })
  handle(@Payload() event: ConsumedEvent, @Ctx() { manager }: EventContext): Promise<void> {
    return this.engine.onTicketEvent(manager, { type: event.type, data: event.data } as TicketEvent, {
      actor: AUTOMATIC,
      causationId: event.id,
      correlationId: event.correlationId ?? event.id,
    });
  }
}
