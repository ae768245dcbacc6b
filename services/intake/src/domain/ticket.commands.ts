import { Actor, Assignee, Channel, ContactChannel, Difficulty, FieldServiceStep, Tier, Urgency } from '@support/contracts';
import { CommandInput } from '@support/decider';

/** What every ticket command carries: the ticket, who asks, and the injected time of the request. */
interface TicketCommandBase<Type extends string> {
  type: Type;
  ticketId: string;
  actor: Actor;
  /** now, from the injected clock: the decider never reads a clock */
  at: Date;
}

export interface OpenTicket extends TicketCommandBase<'OpenTicket'> {
  customerId: string;
  customer: { name: string; phone?: string; wechat?: string };
  channel: Channel;
  deviceModel: string;
  problem: string;
  urgency: Urgency;
  /** when the customer asked; defaults to `at` */
  requestedAt?: Date;
  /** the desk's first classification, if any: routing uses it to pick the assignee */
  triage?: { faultCategory?: string; scenario?: string; difficulty?: Difficulty };
}

/** Assignment and reassignment to a lead, senior or agent (contractors: DispatchToContractor). */
export interface Assign extends TicketCommandBase<'Assign'> {
  assignee: Assignee;
  tier: Tier;
  decisionId?: string;
  reason?: string;
}

export interface DispatchToContractor extends TicketCommandBase<'DispatchToContractor'> {
  contractor: { id: string; name?: string };
  scenario: string;
  decisionId?: string;
}

export interface RequestEscalation extends TicketCommandBase<'RequestEscalation'> {
  reason: string;
}

/** Routing's decision: the ticket goes one tier up to `assignee`. */
export interface Escalate extends TicketCommandBase<'Escalate'> {
  toTier: Tier;
  assignee: Assignee;
  reason: string;
  decisionId?: string;
}

export interface Contact extends TicketCommandBase<'Contact'> {
  channel: ContactChannel;
  note?: string;
  /** when the contact happened, if recorded afterwards; defaults to `at` */
  contactedAt?: Date;
}

export interface Diagnose extends TicketCommandBase<'Diagnose'> {
  faultCategory: string;
  scenario: string;
  difficulty: Difficulty;
  note?: string;
}

export interface Quote extends TicketCommandBase<'Quote'> {
  /** integer minor units (fen / cents) */
  amount: number;
  /** ISO 4217; defaults to CNY */
  currency?: string;
  note?: string;
}

export type AcceptQuote = TicketCommandBase<'AcceptQuote'>;

export interface DeclineQuote extends TicketCommandBase<'DeclineQuote'> {
  reason?: string;
}

export interface ScheduleOnSite extends TicketCommandBase<'ScheduleOnSite'> {
  visitId: string;
  appointmentAt: Date;
}

export interface TechnicianOnSite extends TicketCommandBase<'TechnicianOnSite'> {
  visitId: string;
  /** defaults to `at` */
  arrivedAt?: Date;
}

export interface Resolve extends TicketCommandBase<'Resolve'> {
  resolution: string;
  remote: boolean;
  sopId?: string;
}

export interface GiveFeedback extends TicketCommandBase<'GiveFeedback'> {
  /** integer 1..5 */
  satisfaction: number;
  comment?: string;
}

export interface Close extends TicketCommandBase<'Close'> {
  note?: string;
}

export interface Reopen extends TicketCommandBase<'Reopen'> {
  reason: string;
}

export interface Cancel extends TicketCommandBase<'Cancel'> {
  reason: string;
}

/** sla-monitor's breach of one of the ticket's clocks, recorded in its history */
export interface RecordSlaBreach extends TicketCommandBase<'RecordSlaBreach'> {
  clockId: string;
  ruleId: string;
  dueAt: Date;
  lateByMinutes: number;
}

/** a field-service step (visit or service sheet) recorded in the ticket's history; the stage does not change */
export interface RecordFieldServiceStep extends TicketCommandBase<'RecordFieldServiceStep'> {
  step: FieldServiceStep;
  /** required for visit-* steps */
  visitId?: string;
  /** required for sheet-* steps */
  sheetId?: string;
  /** when the step happened in field-service */
  stepAt: Date;
  /** the reason of a reschedule, cancellation or rejection, or the review note */
  note?: string;
  /** hex sha256 of the customer's signature image; required for visit-signed */
  signatureSha256?: string;
}

export type TicketCommand =
  | OpenTicket
  | Assign
  | DispatchToContractor
  | RequestEscalation
  | Escalate
  | Contact
  | Diagnose
  | Quote
  | AcceptQuote
  | DeclineQuote
  | ScheduleOnSite
  | TechnicianOnSite
  | Resolve
  | GiveFeedback
  | Close
  | Reopen
  | Cancel
  | RecordSlaBreach
  | RecordFieldServiceStep;

export type TicketCommandType = TicketCommand['type'];

/**
 * A command without what the caller's context supplies (ticketId, actor, at), per command type:
 * `Omit<TicketCommand, ...>` would collapse the union to its common fields.
 */
export type TicketCommandInput = CommandInput<TicketCommand, 'ticketId'>;

/** Every command type, in the order of a ticket's life. */
export const TICKET_COMMAND_TYPES = [
  'OpenTicket',
  'Assign',
  'DispatchToContractor',
  'RequestEscalation',
  'Escalate',
  'Contact',
  'Diagnose',
  'Quote',
  'AcceptQuote',
  'DeclineQuote',
  'ScheduleOnSite',
  'TechnicianOnSite',
  'Resolve',
  'GiveFeedback',
  'Close',
  'Reopen',
  'Cancel',
  'RecordSlaBreach',
  'RecordFieldServiceStep',
] as const satisfies readonly TicketCommandType[];
