import { SlaEvent, TicketEvent } from '@support/contracts';
import { ClockRow, clockRowAfter, Observed, OPEN_STAGES, QueueRow, queueRowAfter } from './board-rows';

// The queue and the SLA board as they stood at an instant, folded by the same row functions as the live
// projection from the ticket and clock events recorded up to it (the caller reads them, in time order).
// Pure: a time-travel read and a replay share it.

/** A ticket's nearest running deadline, for the queue's countdown. */
export interface Deadline {
  clockId: string;
  ruleId: string;
  dueAt: string;
}

/** The queue's and board's rows after these events, each ticket's and clock's events in their order. */
export interface BoardAt {
  tickets: Map<string, QueueRow>;
  clocks: Map<string, ClockRow>;
}

/** Folds ticket and SLA clock events (others are ignored) into the queue's and the board's rows. */
export function boardAfter(events: Iterable<Observed<TicketEvent | SlaEvent>>): BoardAt {
  const tickets = new Map<string, QueueRow>();
  const clocks = new Map<string, ClockRow>();
  for (const event of events) {
    if (event.type.startsWith('support.ticket.')) {
      const ticket = event as Observed<TicketEvent>;
      const after = queueRowAfter(tickets.get(ticket.data.ticketId), ticket);
      if (after) tickets.set(ticket.data.ticketId, after);
    } else if (event.type.startsWith('support.sla.clock-')) {
      const clock = event as Observed<SlaEvent>;
      const after = clockRowAfter(clocks.get(clock.data.clockId), clock);
      if (after) clocks.set(clock.data.clockId, after);
    }
  }
  return { tickets, clocks };
}

/** Whether the ticket waits in the queue (an open stage). */
export function inQueue(row: QueueRow): boolean {
  return OPEN_STAGES.includes(row.state);
}

/** Whether the clock is on the board at `at`: counting or paused, and breached or past its warning time (the live board's rule). */
export function onBoardAt(row: ClockRow, at: Date): boolean {
  return (row.status === 'running' || row.status === 'paused') && (row.breached || Date.parse(row.warnAt) <= at.getTime());
}

/** Each ticket's nearest deadline among its running clocks. */
export function nextDeadlines(clocks: Iterable<ClockRow>): Map<string, Deadline> {
  const nearest = new Map<string, Deadline>();
  for (const clock of clocks) {
    if (clock.status !== 'running' || clock.ticketId === null) continue;
    const known = nearest.get(clock.ticketId);
    if (!known || Date.parse(clock.dueAt) < Date.parse(known.dueAt)) nearest.set(clock.ticketId, { clockId: clock.clockId, ruleId: clock.ruleId, dueAt: clock.dueAt });
  }
  return nearest;
}

/** The queue's order: urgent first, then oldest received (unknown: last), then id. */
export function queueOrder(a: QueueRow, b: QueueRow): number {
  const later = (row: QueueRow) => (row.urgency === 'urgent' ? 0 : 1);
  const received = (row: QueueRow) => (row.receivedAt === null ? Infinity : Date.parse(row.receivedAt));
  return later(a) - later(b) || received(a) - received(b) || compareText(a.ticketId, b.ticketId);
}

/** The board's order: soonest due first, then id. */
export function boardOrder(a: ClockRow, b: ClockRow): number {
  return Date.parse(a.dueAt) - Date.parse(b.dueAt) || compareText(a.clockId, b.clockId);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
