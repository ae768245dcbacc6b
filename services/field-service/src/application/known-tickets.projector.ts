import { EntityManager } from 'typeorm';
import { TicketEvent } from '@support/contracts';
import { ConsumedEvent } from '@support/messaging';
import { KnownTicketsRepository } from '../persistence/known-tickets.repository';

// the stages field-service acts on: a visit or sheet for a closed or cancelled ticket is refused
const STAGE_OF: Partial<Record<TicketEvent['type'], string>> = {
  'support.ticket.resolved.v1': 'resolved',
  'support.ticket.closed.v1': 'closed',
  'support.ticket.cancelled.v1': 'cancelled',
  'support.ticket.reopened.v1': 'reopened',
};

/** Keeps field-service's view of intake's tickets: who works each one, and whether it is still open. */
export function knownTicketsProjector(tickets: KnownTicketsRepository) {
  return async (consumed: ConsumedEvent, manager: EntityManager): Promise<void> => {
    const event = { type: consumed.type, data: consumed.data } as TicketEvent;
    switch (event.type) {
      case 'support.ticket.received.v1': {
        const { ticketId, customer, deviceModel, problem } = event.data;
        const contact = customer.phone ?? customer.wechat ?? '';
        await tickets.insert(manager, { ticketId, customerName: customer.name, customerContact: contact, deviceModel, problem, state: 'received' });
        return;
      }
      case 'support.ticket.assigned.v1':
      case 'support.ticket.dispatched-to-contractor.v1':
      case 'support.ticket.escalated.v1':
        await tickets.setAssignee(manager, event.data.ticketId, event.data.assignee);
        return;
      default: {
        const stage = STAGE_OF[event.type];
        if (stage) await tickets.setState(manager, event.data.ticketId, stage);
      }
    }
  };
}
