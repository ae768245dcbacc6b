import { TicketEventType, TicketState } from '@support/contracts';
import { TicketCommandType } from './ticket.commands';

/** A ticket's stage, plus `none` for a ticket that does not exist yet. */
export type TicketStage = TicketState | 'none';

export interface TicketTransition {
  /** the one event the command emits */
  event: TicketEventType;
  /** for rejections: "cannot <verb> a ticket in state <stage>" */
  verb: string;
  /** the stages the command is legal in, each with the stage the ticket is in afterwards */
  from: Partial<Record<TicketStage, TicketState>>;
}

/** `to('assigned', 'received', 'reopened')`: from each listed stage the ticket moves to `target`. */
function to(target: TicketState, ...stages: TicketStage[]): Partial<Record<TicketStage, TicketState>> {
  return Object.fromEntries(stages.map((stage) => [stage, target]));
}

/** `stay('quoted', 'in-progress')`: legal in each listed stage, which does not change. */
function stay(...stages: TicketState[]): Partial<Record<TicketStage, TicketState>> {
  return Object.fromEntries(stages.map((stage) => [stage, stage]));
}

const WORKING: TicketState[] = ['assigned', 'contacted', 'diagnosed', 'quoted', 'in-progress', 'on-site', 'reopened'];

/**
 * The ticket's rules in one place: which command is legal in which stage, the event it emits, and the
 * stage the ticket is in afterwards. The decider rejects anything not listed; evolve reads the same table.
 */
export const TICKET_TRANSITIONS: Readonly<Record<TicketCommandType, TicketTransition>> = {
  OpenTicket: { event: 'support.ticket.received.v1', verb: 'open', from: to('received', 'none') },
  Assign: {
    event: 'support.ticket.assigned.v1',
    verb: 'assign',
    // reassigning a ticket already being worked keeps its stage
    from: { ...to('assigned', 'received', 'assigned', 'reopened'), ...stay('contacted', 'diagnosed', 'quoted', 'in-progress') },
  },
  DispatchToContractor: {
    event: 'support.ticket.dispatched-to-contractor.v1',
    verb: 'dispatch to a contractor',
    from: to('assigned', 'received', 'assigned', 'contacted', 'diagnosed'),
  },
  RequestEscalation: { event: 'support.ticket.escalation-requested.v1', verb: 'request escalation of', from: stay(...WORKING) },
  Escalate: { event: 'support.ticket.escalated.v1', verb: 'escalate', from: stay(...WORKING) },
  Contact: { event: 'support.ticket.contacted.v1', verb: 'contact the customer of', from: to('contacted', 'assigned', 'reopened') },
  Diagnose: { event: 'support.ticket.diagnosed.v1', verb: 'diagnose', from: to('diagnosed', 'contacted', 'diagnosed', 'reopened') },
  Quote: { event: 'support.ticket.quoted.v1', verb: 'quote', from: to('quoted', 'diagnosed', 'quoted') },
  AcceptQuote: { event: 'support.ticket.quote-accepted.v1', verb: 'accept the quote of', from: to('in-progress', 'quoted') },
  DeclineQuote: { event: 'support.ticket.quote-declined.v1', verb: 'decline the quote of', from: to('diagnosed', 'quoted') },
  ScheduleOnSite: {
    event: 'support.ticket.on-site-scheduled.v1',
    verb: 'schedule an on-site visit for',
    // from contacted too: remote guidance can fail right after first contact
    from: to('on-site', 'contacted', 'diagnosed', 'in-progress'),
  },
  TechnicianOnSite: { event: 'support.ticket.technician-on-site.v1', verb: 'record a technician on site for', from: stay('on-site') },
  Resolve: {
    event: 'support.ticket.resolved.v1',
    verb: 'resolve',
    from: to('resolved', 'contacted', 'diagnosed', 'in-progress', 'on-site', 'reopened'),
  },
  GiveFeedback: { event: 'support.ticket.feedback-given.v1', verb: 'give feedback on', from: stay('resolved', 'closed') },
  Close: { event: 'support.ticket.closed.v1', verb: 'close', from: to('closed', 'resolved') },
  Reopen: { event: 'support.ticket.reopened.v1', verb: 'reopen', from: to('reopened', 'resolved', 'closed') },
  Cancel: { event: 'support.ticket.cancelled.v1', verb: 'cancel', from: to('cancelled', 'received', ...WORKING) },
  // a breach is a fact about the past: it is recorded whatever the stage, and changes none
  RecordSlaBreach: {
    event: 'support.ticket.sla-breached.v1',
    verb: 'record an SLA breach of',
    from: stay('received', ...WORKING, 'resolved', 'closed', 'cancelled'),
  },
  // a fact from field-service, like a breach: recorded whatever the stage, and changes none
  RecordFieldServiceStep: {
    event: 'support.ticket.field-service-recorded.v2',
    verb: 'record a field-service step of',
    from: stay('received', ...WORKING, 'resolved', 'closed', 'cancelled'),
  },
};

const byEvent = new Map<TicketEventType, TicketTransition>(Object.values(TICKET_TRANSITIONS).map((t) => [t.event, t]));
// evolve finds a transition by its event: two commands emitting one event type would make that ambiguous
if (byEvent.size !== Object.keys(TICKET_TRANSITIONS).length) throw new Error('two ticket commands emit the same event type');

// event versions no command emits any more, which old streams still hold: each moves the ticket as its successor does
const SUPERSEDED: Partial<Record<TicketEventType, TicketEventType>> = {
  'support.ticket.field-service-recorded.v1': 'support.ticket.field-service-recorded.v2',
};

/** The transition an event records (one command type per event type; a superseded version, its successor's). */
export function transitionOf(eventType: TicketEventType): TicketTransition {
  const transition = byEvent.get(SUPERSEDED[eventType] ?? eventType);
  if (!transition) throw new Error(`no ticket transition emits ${eventType}`);
  return transition;
}
