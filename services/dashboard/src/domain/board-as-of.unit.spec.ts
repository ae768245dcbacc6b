import { SlaEvent, TicketEvent } from '@support/contracts';
import { boardAfter, boardOrder, inQueue, nextDeadlines, onBoardAt, queueOrder } from './board-as-of';
import { Observed } from './board-rows';

// the queue and board as of an instant: the live projection's row functions over the events up to it
const T = Date.parse('2033-05-02T01:00:00Z');
const at = (minute: number) => new Date(T + minute * 60_000);
const A = '0a0a0a0a-0000-4000-8000-000000000001';
const B = '0b0b0b0b-0000-4000-8000-000000000002';
const clockId = `ticket:${A}:first-contact`;
const ticket = (type: string, ticketId: string, minute: number, data: object = {}) =>
  ({ type, time: at(minute).toISOString(), data: { ticketId, ...data } }) as Observed<TicketEvent>;
const received = (ticketId: string, minute: number, urgency: string) =>
  ticket('support.ticket.received.v1', ticketId, minute, { customerId: B, urgency, channel: 'phone', deviceModel: 'XPS', receivedAt: at(minute).toISOString() });
const sla = (type: string, minute: number, data: object = {}) =>
  ({ type, time: at(minute).toISOString(), data: { clockId, ruleId: 'first-contact', subject: { type: 'ticket', id: A }, ticketId: A, ...data } }) as Observed<SlaEvent>;

const events = [
  received(A, 0, 'urgent'),
  ticket('support.ticket.assigned.v1', A, 1, { assignee: { id: 'agent-1', role: 'agent' }, tier: 'L1' }),
  sla('support.sla.clock-started.v1', 1, { dueAt: at(31).toISOString(), warnAt: at(25).toISOString() }),
  received(B, 5, 'normal'),
  sla('support.sla.clock-breached.v1', 33),
  ticket('support.ticket.contacted.v1', A, 40),
  sla('support.sla.clock-met.v1', 40),
  ticket('support.ticket.resolved.v1', A, 45),
];
const upTo = (minute: number) => boardAfter(events.filter((e) => Date.parse(e.time) <= at(minute).getTime()));

describe('the queue and board as of an instant', () => {
  it('holds the tickets received by then, in their stage then, urgent first', () => {
    const { tickets } = upTo(10);
    expect(
      [...tickets.values()]
        .filter(inQueue)
        .sort(queueOrder)
        .map((row) => [row.ticketId, row.state]),
    ).toEqual([
      [A, 'assigned'],
      [B, 'received'],
    ]);
    expect(upTo(0).tickets.get(A)).toMatchObject({ state: 'received', assignee: null });
    expect(upTo(0).tickets.has(B)).toBe(false);
    expect(inQueue(upTo(45).tickets.get(A)!)).toBe(false);
  });

  it('gives each ticket its nearest running deadline then, none once its clock ended', () => {
    expect(nextDeadlines(upTo(10).clocks.values()).get(A)).toEqual({ clockId, ruleId: 'first-contact', dueAt: at(31).toISOString() });
    expect(nextDeadlines(upTo(41).clocks.values()).has(A)).toBe(false);
  });

  it('puts a clock on the board from its warning time, breached from its breach, off it once met', () => {
    expect(onBoardAt(upTo(20).clocks.get(clockId)!, at(20))).toBe(false);
    expect(onBoardAt(upTo(26).clocks.get(clockId)!, at(26))).toBe(true);
    expect(upTo(35).clocks.get(clockId)).toMatchObject({ breached: true, status: 'running' });
    expect(onBoardAt(upTo(41).clocks.get(clockId)!, at(41))).toBe(false);
  });

  it('orders the board soonest due first, then by id', () => {
    const row = upTo(26).clocks.get(clockId)!;
    expect(
      [
        { ...row, clockId: 'b' },
        { ...row, clockId: 'a' },
        { ...row, dueAt: at(1).toISOString(), clockId: 'c' },
      ]
        .sort(boardOrder)
        .map((r) => r.clockId),
    ).toEqual(['c', 'a', 'b']);
  });
});
