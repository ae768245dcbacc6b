import { EntityManager } from 'typeorm';
import { Actor, TicketEvent } from '@support/contracts';
import { ConsumedEvent } from '@support/messaging';
import { RoutingEngine } from './routing-engine';

/** routing's own service identity on the decisions it takes by itself */
const AUTOMATIC: Actor = { id: 'routing', role: 'service' };

/** Feeds intake's ticket events to routing, each in the consumer's transaction (with its inbox row). */
export function ticketEventsReactor(engine: RoutingEngine) {
  return (event: ConsumedEvent, manager: EntityManager): Promise<void> =>
    engine.onTicketEvent(manager, { type: event.type, data: event.data } as TicketEvent, {
      actor: AUTOMATIC,
      causationId: event.id,
      correlationId: event.correlationId ?? event.id,
    });
}
