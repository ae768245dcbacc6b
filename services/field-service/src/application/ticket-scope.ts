import { Actor } from '@support/contracts';
import { DecideOptions } from '@support/command-handling';
import { CommandRefusal } from '@support/service-kit';
import { KnownTicket, KnownTicketsRepository } from '../persistence/known-tickets.repository';

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

/**
 * A command on a visit or sheet of a ticket outside the actor's scope is refused as if it did not exist
 * (the same 404 a read gives), checked in the command's transaction.
 */
export function withinTicketScope<State>(tickets: KnownTicketsRepository, actor: Actor, id: string, ticketOf: (state: State) => string | undefined): DecideOptions<State> {
  return {
    guard: async (state, executor) => {
      const ticketId = ticketOf(state);
      return ticketId !== undefined && !inScope(actor, await tickets.find(executor, ticketId)) ? notFound(id) : undefined;
    },
  };
}

export function notFound(id: string): CommandRefusal {
  return { ok: false, code: 'not-found', reason: `${id} not found` };
}
