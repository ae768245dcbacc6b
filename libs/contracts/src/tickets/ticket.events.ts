import { EventOf } from '../catalogue/event-definition';
import { ticketCancelled, ticketClosed, ticketFeedbackGiven, ticketReceived, ticketReopened, ticketSlaBreached } from './ticket-lifecycle.events';
import { ticketAssigned, ticketDispatchedToContractor, ticketEscalated, ticketEscalationRequested } from './ticket-routing.events';
import {
  ticketContacted,
  ticketDiagnosed,
  ticketFieldServiceRecorded,
  ticketFieldServiceRecordedV2,
  ticketOnSiteScheduled,
  ticketQuoteAccepted,
  ticketQuoted,
  ticketQuoteDeclined,
  ticketResolved,
  ticketTechnicianOnSite,
} from './ticket-work.events';

// the ticket event catalogue (topic support.tickets.v1, aggregate `ticket`), split by theme:
// ticket.vocabulary.ts (enumerations), ticket-lifecycle / ticket-routing / ticket-work .events.ts

export {
  TICKETS_TOPIC,
  TICKET_AGGREGATE,
  URGENCIES,
  CHANNELS,
  TICKET_STATES,
  TIERS,
  nextTier,
  DIFFICULTIES,
  ASSIGNEE_ROLES,
  CONTACT_CHANNELS,
  DEFAULT_CURRENCY,
  actorSchema,
} from './ticket.vocabulary';
export type { Urgency, Channel, TicketState, Tier, Difficulty, AssigneeRole, Assignee, ContactChannel } from './ticket.vocabulary';
export { ticketReceived, ticketFeedbackGiven, ticketClosed, ticketReopened, ticketCancelled, ticketSlaBreached } from './ticket-lifecycle.events';
export { ticketAssigned, ticketDispatchedToContractor, ticketEscalationRequested, ticketEscalated } from './ticket-routing.events';
export {
  ticketContacted,
  ticketDiagnosed,
  ticketQuoted,
  ticketQuoteAccepted,
  ticketQuoteDeclined,
  ticketOnSiteScheduled,
  ticketTechnicianOnSite,
  ticketResolved,
  ticketFieldServiceRecorded,
  ticketFieldServiceRecordedV2,
  FIELD_SERVICE_STEPS,
} from './ticket-work.events';
export type { FieldServiceStep } from './ticket-work.events';

/** Every ticket event type, in the order of a ticket's life. */
export const ticketEvents = [
  ticketReceived,
  ticketAssigned,
  ticketDispatchedToContractor,
  ticketEscalationRequested,
  ticketEscalated,
  ticketContacted,
  ticketDiagnosed,
  ticketQuoted,
  ticketQuoteAccepted,
  ticketQuoteDeclined,
  ticketOnSiteScheduled,
  ticketTechnicianOnSite,
  ticketResolved,
  ticketFieldServiceRecorded,
  ticketFieldServiceRecordedV2,
  ticketFeedbackGiven,
  ticketClosed,
  ticketReopened,
  ticketCancelled,
  ticketSlaBreached,
];

export type TicketEvent = EventOf<(typeof ticketEvents)[number]>;
export type TicketEventType = TicketEvent['type'];
/** One ticket event type, e.g. `TicketEventOf<'support.ticket.assigned.v1'>`. */
export type TicketEventOf<Type extends TicketEventType> = Extract<TicketEvent, { type: Type }>;
/** The data of one ticket event type. */
export type TicketEventData<Type extends TicketEventType> = TicketEventOf<Type>['data'];
