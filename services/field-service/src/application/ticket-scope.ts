import { Actor } from '@support/contracts';
import { CommandRefusal } from '@support/service-kit';
import { KnownTicket } from '../persistence/known-tickets.repository';

/** Contractors see and act only on what belongs to tickets dispatched to them; members of staff on all. */
export function inScope(actor: Actor, ticket: KnownTicket | undefined): boolean {
  if (actor.role !== 'contractor') return true;
  return ticket !== undefined && ticket.assigneeRole === 'contractor' && ticket.assigneeId === actor.id;
}

/** Why new field work cannot start on a ticket: unknown (or hidden from a contractor: the same 404), or ended. */
export function refuseNewWork(actor: Actor, ticketId: string, ticket: KnownTicket | undefined): CommandRefusal | undefined {
  if (!ticket || !inScope(actor, ticket)) return { ok: false, code: 'not-found', reason: `ticket ${ticketId} not found` };
  if (ticket.state === 'closed' || ticket.state === 'cancelled') return { ok: false, code: 'illegal-transition', reason: `ticket ${ticketId} is ${ticket.state}` };
  return undefined;
}
