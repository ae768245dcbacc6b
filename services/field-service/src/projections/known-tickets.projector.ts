import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { eventCatalogue, TicketEvent, TICKETS_TOPIC } from '@support/contracts';
import { ConsumedEvent, EventContext, EventHandlers } from '@support/messaging';
import { KnownTicketsRepository } from '../persistence/known-tickets.repository';

// the stages field-service acts on: a visit or sheet for a closed or cancelled ticket is refused
const STAGE_OF: Partial<Record<TicketEvent['type'], string>> = {
  'support.ticket.resolved.v1': 'resolved',
  'support.ticket.closed.v1': 'closed',
  'support.ticket.cancelled.v1': 'cancelled',
  'support.ticket.reopened.v1': 'reopened',
};

/** Keeps field-service's view of intake's tickets: who works each one, and whether it is still open. */
@EventHandlers()
export class KnownTicketsProjector {
  constructor(private readonly tickets: KnownTicketsRepository) {}

  @EventPattern(eventCatalogue.typesOn(TICKETS_TOPIC), { group: 'known-tickets' })
  async project(@Payload() consumed: ConsumedEvent, @Ctx() { manager }: EventContext): Promise<void> {
    const event = { type: consumed.type, data: consumed.data } as TicketEvent;
    switch (event.type) {
      case 'support.ticket.received.v1': {
        // the customer's values as they arrive, sealed with their key: opened only where a reader may see them
        const { ticketId, customerId, customer, deviceModel, problem } = event.data;
        const contact = customer.phone ?? customer.wechat ?? '';
        await this.tickets.insert(manager, { ticketId, customerId, customerName: customer.name, customerContact: contact, deviceModel, problem, state: 'received' });
        return;
      }
      case 'support.ticket.assigned.v1':
      case 'support.ticket.dispatched-to-contractor.v1':
      case 'support.ticket.escalated.v1':
        await this.tickets.setAssignee(manager, event.data.ticketId, event.data.assignee);
        return;
      default: {
        const stage = STAGE_OF[event.type];
        if (stage) await this.tickets.setState(manager, event.data.ticketId, stage);
      }
    }
  }
}
