import { Assignee, Channel, Difficulty, TicketEvent, TicketState, Tier, Urgency } from '@support/contracts';
import { transitionOf } from './ticket.transitions';

/** Before `support.ticket.received.v1`: the ticket does not exist. */
export interface NoTicket {
  readonly state: 'none';
}

/** A ticket as its events describe it. The stream version is not here: the event store tracks it. */
export interface Ticket {
  readonly id: string;
  readonly state: TicketState;
  readonly urgency: Urgency;
  readonly channel: Channel;
  readonly customerId: string;
  readonly customer: { readonly name: string; readonly phone?: string; readonly wechat?: string };
  readonly deviceModel: string;
  readonly problem: string;
  /** when the customer asked (ISO 8601, UTC); the hand-over SLA counts from here */
  readonly requestedAt: string;
  readonly receivedAt: string;
  readonly triage?: { readonly faultCategory?: string; readonly scenario?: string; readonly difficulty?: Difficulty };
  readonly assignee?: Assignee;
  readonly tier?: Tier;
  /** the fixed scenario of the last dispatch to a contractor */
  readonly dispatchedScenario?: string;
  /** set by an escalation request, cleared when the ticket is escalated */
  readonly pendingEscalation?: { readonly reason: string; readonly fromTier: Tier };
  readonly firstContactedAt?: string;
  readonly lastContactedAt?: string;
  readonly diagnosis?: { readonly faultCategory: string; readonly scenario: string; readonly difficulty: Difficulty; readonly note?: string };
  readonly quote?: {
    readonly amount: number;
    readonly currency: string;
    readonly note?: string;
    readonly status: 'pending' | 'accepted' | 'declined';
    readonly declineReason?: string;
  };
  readonly visit?: { readonly visitId: string; readonly appointmentAt: string; readonly arrivedAt?: string };
  /** the current resolution; cleared when the ticket is reopened */
  readonly resolution?: { readonly resolution: string; readonly remote: boolean; readonly sopId?: string };
  readonly satisfaction?: number;
  readonly feedbackComment?: string;
  readonly reopenCount: number;
  /** the SLA rules this ticket breached, in order */
  readonly slaBreaches?: readonly string[];
  readonly reopenReason?: string;
  readonly cancelReason?: string;
}

/** The decider's state: no ticket yet, or the ticket. */
export type TicketAggregate = NoTicket | Ticket;

export const initialTicketState = (): TicketAggregate => ({ state: 'none' });

export function ticketExists(state: TicketAggregate): state is Ticket {
  return state.state !== 'none';
}

/** Applies one event; the stage comes from TICKET_TRANSITIONS, the rest from the event's data. */
export function evolveTicket(state: TicketAggregate, event: TicketEvent): TicketAggregate {
  if (event.type === 'support.ticket.received.v1') {
    if (ticketExists(state)) throw new Error(`ticket ${state.id} received twice`);
    const { ticketId, ...received } = event.data;
    return { id: ticketId, state: 'received', ...received, reopenCount: 0 };
  }
  if (!ticketExists(state)) throw new Error(`${event.type} for a ticket that was never received`);

  // events are facts: one the table would not allow now (older rules) still applies, the stage stays
  const ticket: Ticket = { ...state, state: transitionOf(event.type).from[state.state] ?? state.state };
  switch (event.type) {
    case 'support.ticket.assigned.v1':
      return { ...ticket, assignee: event.data.assignee, tier: event.data.tier };
    case 'support.ticket.dispatched-to-contractor.v1':
      // contractors are outside the tier chain: the ticket keeps the dispatching tier (L1 when none)
      return { ...ticket, assignee: event.data.assignee, tier: state.tier ?? 'L1', dispatchedScenario: event.data.scenario };
    case 'support.ticket.escalation-requested.v1':
      return { ...ticket, pendingEscalation: { reason: event.data.reason, fromTier: event.data.fromTier } };
    case 'support.ticket.escalated.v1':
      return { ...without(ticket, 'pendingEscalation'), assignee: event.data.assignee, tier: event.data.toTier };
    case 'support.ticket.contacted.v1':
      return {
        ...ticket,
        firstContactedAt: state.firstContactedAt ?? event.data.contactedAt,
        lastContactedAt: event.data.contactedAt,
      };
    case 'support.ticket.diagnosed.v1': {
      const { ticketId: _, ...diagnosis } = event.data;
      return { ...ticket, diagnosis };
    }
    case 'support.ticket.quoted.v1': {
      const { ticketId: _, ...quote } = event.data;
      return { ...ticket, quote: { ...quote, status: 'pending' } };
    }
    case 'support.ticket.quote-accepted.v1':
      return { ...ticket, quote: { ...state.quote, amount: event.data.amount, currency: event.data.currency, status: 'accepted' } };
    case 'support.ticket.quote-declined.v1':
      if (!state.quote) return ticket;
      return {
        ...ticket,
        quote: { ...state.quote, status: 'declined', ...(event.data.reason !== undefined ? { declineReason: event.data.reason } : {}) },
      };
    case 'support.ticket.on-site-scheduled.v1':
      return { ...ticket, visit: { visitId: event.data.visitId, appointmentAt: event.data.appointmentAt } };
    case 'support.ticket.technician-on-site.v1':
      return {
        ...ticket,
        visit: { appointmentAt: event.data.arrivedAt, ...state.visit, visitId: event.data.visitId, arrivedAt: event.data.arrivedAt },
      };
    case 'support.ticket.resolved.v1': {
      const { ticketId: _, ...resolution } = event.data;
      return { ...ticket, resolution };
    }
    case 'support.ticket.feedback-given.v1':
      return {
        ...ticket,
        satisfaction: event.data.satisfaction,
        ...(event.data.comment !== undefined ? { feedbackComment: event.data.comment } : {}),
      };
    case 'support.ticket.sla-breached.v1':
      return { ...ticket, slaBreaches: [...(state.slaBreaches ?? []), event.data.ruleId] };
    case 'support.ticket.closed.v1':
      return ticket;
    // the step is history only: the visit the ticket tracks comes from on-site-scheduled and technician-on-site
    case 'support.ticket.field-service-recorded.v1':
    case 'support.ticket.field-service-recorded.v2':
      return ticket;
    case 'support.ticket.reopened.v1':
      return { ...without(ticket, 'resolution'), reopenCount: state.reopenCount + 1, reopenReason: event.data.reason };
    case 'support.ticket.cancelled.v1':
      return { ...ticket, cancelReason: event.data.reason };
  }
}

/** The ticket its events describe, folded from the start (a time-travel read folds a stream cut at an instant). */
export function foldTicket(events: readonly TicketEvent[]): TicketAggregate {
  return events.reduce(evolveTicket, initialTicketState());
}

function without<T extends object, K extends keyof T>(value: T, key: K): Omit<T, K> {
  const { [key]: _, ...rest } = value;
  return rest;
}
