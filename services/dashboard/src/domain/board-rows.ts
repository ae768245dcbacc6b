import { SlaEvent, TicketEvent } from '@support/contracts';

/** A ticket in the live queue, as the dashboard's readers see it. */
export interface QueueRow {
  ticketId: string;
  customerId: string | null;
  state: string;
  urgency: string | null;
  channel: string | null;
  deviceModel: string | null;
  tier: string | null;
  assignee: { id: string; role: string } | null;
  receivedAt: string | null;
  changedAt: string;
}

/** An SLA clock on the board. */
export interface ClockRow {
  clockId: string;
  ticketId: string | null;
  ruleId: string;
  status: string;
  dueAt: string;
  warnAt: string;
  warned: boolean;
  breached: boolean;
  changedAt: string;
}

/** An event as the projections read it: its type, data and time. */
export type Observed<E> = E & { time: string };

// the ticket's stage after each event that moves it (intake's transition table, as a reader sees it)
const STAGE_AFTER: Partial<Record<TicketEvent['type'], string>> = {
  'support.ticket.received.v1': 'received',
  'support.ticket.dispatched-to-contractor.v1': 'assigned',
  'support.ticket.contacted.v1': 'contacted',
  'support.ticket.diagnosed.v1': 'diagnosed',
  'support.ticket.quoted.v1': 'quoted',
  'support.ticket.quote-accepted.v1': 'in-progress',
  'support.ticket.quote-declined.v1': 'diagnosed',
  'support.ticket.on-site-scheduled.v1': 'on-site',
  'support.ticket.resolved.v1': 'resolved',
  'support.ticket.closed.v1': 'closed',
  'support.ticket.reopened.v1': 'reopened',
  'support.ticket.cancelled.v1': 'cancelled',
};
// an assignment moves a new or reopened ticket to `assigned`; a reassignment of one being worked keeps its stage
const ASSIGNABLE = new Set(['received', 'assigned', 'reopened']);

export const OPEN_STAGES = ['received', 'assigned', 'contacted', 'diagnosed', 'quoted', 'in-progress', 'on-site', 'reopened'];

/**
 * The queue row after a ticket event: the same row when the event does not change it. Only the
 * ticket's own earlier events matter, so a replay of its stream gives the same row.
 */
export function queueRowAfter(row: QueueRow | undefined, event: Observed<TicketEvent>): QueueRow | undefined {
  const { ticketId } = event.data;
  const at = event.time;
  // a reader may meet a ticket's later events first (a projection started mid-stream): keep what is known
  const current: QueueRow = row ?? {
    ticketId,
    customerId: null,
    state: 'received',
    urgency: null,
    channel: null,
    deviceModel: null,
    tier: null,
    assignee: null,
    receivedAt: null,
    changedAt: at,
  };
  switch (event.type) {
    case 'support.ticket.received.v1': {
      if (row) return row;
      const { customerId, urgency, channel, deviceModel, receivedAt } = event.data;
      return { ...current, customerId, urgency, channel, deviceModel, receivedAt, state: 'received', changedAt: at };
    }
    case 'support.ticket.assigned.v1':
    case 'support.ticket.escalated.v1': {
      const tier = event.type === 'support.ticket.assigned.v1' ? event.data.tier : event.data.toTier;
      const state = !row || ASSIGNABLE.has(row.state) ? 'assigned' : row.state;
      return { ...current, state, tier, assignee: event.data.assignee, changedAt: at };
    }
    case 'support.ticket.dispatched-to-contractor.v1':
      return { ...current, state: 'assigned', tier: 'L1', assignee: event.data.assignee, changedAt: at };
    default: {
      const stage = STAGE_AFTER[event.type];
      return stage ? { ...current, state: stage, changedAt: at } : row;
    }
  }
}

/** The board's clock after an SLA event; a clock whose start was not seen stays off the board. */
export function clockRowAfter(row: ClockRow | undefined, event: Observed<SlaEvent>): ClockRow | undefined {
  const at = event.time;
  if (event.type === 'support.sla.clock-started.v1') {
    if (row) return row;
    const { clockId, ticketId, ruleId, dueAt, warnAt } = event.data;
    return { clockId, ticketId: ticketId ?? null, ruleId, status: 'running', dueAt, warnAt, warned: false, breached: false, changedAt: at };
  }
  if (!row) return undefined;
  switch (event.type) {
    case 'support.sla.clock-paused.v1':
      return { ...row, status: 'paused', changedAt: at };
    case 'support.sla.clock-resumed.v1':
      return { ...row, status: 'running', dueAt: event.data.dueAt, warnAt: event.data.warnAt, changedAt: at };
    case 'support.sla.clock-warned.v1':
      return { ...row, warned: true, changedAt: at };
    case 'support.sla.clock-breached.v1':
      return { ...row, breached: true, changedAt: at };
    case 'support.sla.clock-met.v1':
      return { ...row, status: 'met', changedAt: at };
    case 'support.sla.clock-cancelled.v1':
      return { ...row, status: 'cancelled', changedAt: at };
    default:
      return row;
  }
}
