import { DecisionAt, routingOutcome, TicketLife } from './routing-outcome';

// the outcome of a period, counted by hand

const at = (hhmm: string) => `2026-03-02T${hhmm}:00.000Z`;
const period = { from: new Date(at('08:00')), to: new Date(at('12:00')) };
const members = [
  { memberId: 'agent-a', name: 'A', role: 'agent' as const, tier: 'L1' as const },
  { memberId: 'contractor-c', name: 'C', role: 'contractor' as const, tier: 'L1' as const },
  { memberId: 'senior-s', name: 'S', role: 'senior' as const, tier: 'L2' as const },
];
const assign = (ticketId: string, who: string, role: string, time: string, mode = 'automatic', tier = 'L1'): DecisionAt => ({
  at: at(time),
  ticketId,
  type: 'support.routing.assignment-decided.v1',
  data: { assignee: { id: who, role, name: who }, tier: tier as 'L1', mode },
});
const escalate = (ticketId: string, who: string, time: string): DecisionAt => ({
  at: at(time),
  ticketId,
  type: 'support.routing.escalation-decided.v1',
  data: { assignee: { id: who, role: 'senior', name: who }, toTier: 'L2' },
});

describe('routingOutcome', () => {
  it('counts tickets, hands, waits, tiers and peaks of open work in [from, to)', () => {
    const tickets = [
      { ticketId: 't0', urgency: 'normal' as const, receivedAt: at('07:00') }, // before the period: carried in
      { ticketId: 't1', urgency: 'urgent' as const, receivedAt: at('08:00') },
      { ticketId: 't2', urgency: 'normal' as const, receivedAt: at('08:10') },
      { ticketId: 't3', urgency: 'normal' as const, receivedAt: at('08:20') },
      { ticketId: 't4', urgency: 'normal' as const, receivedAt: at('09:00') }, // never handed, still open at the end
      { ticketId: 't5', urgency: 'normal' as const, receivedAt: at('09:10') }, // never handed, cancelled
      { ticketId: 't6', urgency: 'urgent' as const, receivedAt: at('11:50') }, // handed after the period
    ];
    const decisions = [
      assign('t0', 'agent-a', 'agent', '07:05'),
      assign('t1', 'agent-a', 'agent', '08:02'), // wait 2
      assign('t2', 'contractor-c', 'contractor', '08:40'), // wait 30
      assign('t3', 'agent-a', 'agent', '09:20', 'manual'), // wait 60
      escalate('t1', 'senior-s', '10:00'),
      assign('t6', 'agent-a', 'agent', '12:00'), // at `to`: outside
    ];
    const life: TicketLife[] = [
      { kind: 'done', ticketId: 't0', at: at('09:00') },
      { kind: 'done', ticketId: 't5', at: at('09:30') },
      { kind: 'done', ticketId: 't3', at: at('10:30') },
      { kind: 'reopened', ticketId: 't3', at: at('11:00') },
    ];
    const outcome = routingOutcome({ period, tickets, life, decisions, members });
    // received in [08:00, 12:00): t1..t6 = 6; employees 2 (t1, t3), contractors 1 (t2), manual 1 (t3), escalations 1 (t1)
    expect([outcome.tickets, outcome.assigned, outcome.dispatched, outcome.manual, outcome.escalations]).toEqual([6, 2, 1, 1, 1]);
    // t4 waits at the end (t5 left, t6's hand is at `to`, after the period: it waits too)
    expect(outcome.waitingAtEnd).toBe(2);
    // waits 2 (urgent), 30, 60 (normal): nearest rank p50 of 3 = 2nd = 30, p90 = 3rd = 60
    expect(outcome.queueWait).toEqual({ all: { count: 3, p50: 30, p90: 60 }, urgent: { count: 1, p50: 2, p90: 2 }, normal: { count: 2, p50: 30, p90: 60 } });
    expect(outcome.byTier).toEqual([
      { tier: 'L1', assigned: 2, queueWait: { count: 2, p50: 2, p90: 60 } },
      { tier: 'L2', assigned: 1, queueWait: { count: 0, p50: null, p90: null } },
      { tier: 'L3', assigned: 0, queueWait: { count: 0, p50: null, p90: null } },
      { tier: 'contractor', assigned: 1, queueWait: { count: 1, p50: 30, p90: 30 } },
    ]);
    // agent-a: t0 carried in (1), 08:02 t1 (2), 09:00 t0 leaves (1), 09:20 t3 (2), 10:00 t1 escalated away (1),
    // 10:30 t3 leaves (0), 11:00 reopened (1): peak 2; senior-s 1; contractor-c 1
    expect(outcome.members).toEqual([
      { memberId: 'agent-a', name: 'A', role: 'agent', tier: 'L1', assigned: 2, maxOpen: 2 },
      { memberId: 'contractor-c', name: 'C', role: 'contractor', tier: 'L1', assigned: 1, maxOpen: 1 },
      { memberId: 'senior-s', name: 'S', role: 'senior', tier: 'L2', assigned: 1, maxOpen: 1 },
    ]);
  });

  it('counts the open work carried in as the peak when nothing happens in the period', () => {
    const outcome = routingOutcome({
      period,
      tickets: [{ ticketId: 't0', urgency: 'normal', receivedAt: at('07:00') }],
      life: [{ kind: 'held', ticketId: 't0', memberId: 'senior-s', at: at('07:10') }],
      decisions: [assign('t0', 'agent-a', 'agent', '07:05')],
      members,
    });
    expect(outcome.members.map((m) => [m.memberId, m.assigned, m.maxOpen])).toEqual([
      ['agent-a', 0, 0],
      ['contractor-c', 0, 0],
      ['senior-s', 0, 1],
    ]);
    expect(outcome.tickets).toBe(0);
  });
});
