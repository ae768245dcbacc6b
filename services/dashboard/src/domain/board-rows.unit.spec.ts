import { SlaEvent, TicketEvent } from '@support/contracts';
import { ClockRow, clockRowAfter, Observed, QueueRow, queueRowAfter } from './board-rows';

const ticketId = '00000000-0000-4000-8000-000000000001';
const agent = { id: 'm-agent', role: 'agent' as const };
const senior = { id: 'm-senior', role: 'senior' as const };
const ticket = (type: string, data: object, time: string) => ({ type, data: { ticketId, ...data }, time }) as Observed<TicketEvent>;
const fold = (events: Array<Observed<TicketEvent>>) => events.reduce<QueueRow | undefined>((row, event) => queueRowAfter(row, event), undefined);
const received = ticket(
  'support.ticket.received.v1',
  { customerId: 'c-1', customer: { name: 'W', phone: '1' }, channel: 'phone', deviceModel: 'XPS', problem: 'p', urgency: 'urgent', requestedAt: 't0', receivedAt: 't0' },
  't0',
);

describe('queue rows', () => {
  it('opens on received, moves to assigned, and keeps a worked ticket in its stage when it is reassigned', () => {
    expect(fold([received])).toEqual({
      ticketId,
      customerId: 'c-1',
      state: 'received',
      urgency: 'urgent',
      channel: 'phone',
      deviceModel: 'XPS',
      tier: null,
      assignee: null,
      receivedAt: 't0',
      changedAt: 't0',
    });
    const contacted = fold([
      received,
      ticket('support.ticket.assigned.v1', { assignee: agent, tier: 'L1' }, 't1'),
      ticket('support.ticket.contacted.v1', { channel: 'phone', contactedAt: 't2' }, 't2'),
    ]);
    expect(contacted).toMatchObject({ state: 'contacted', assignee: agent, tier: 'L1', changedAt: 't2' });
    expect(queueRowAfter(contacted, ticket('support.ticket.escalated.v1', { assignee: senior, toTier: 'L2' }, 't3'))).toMatchObject({
      state: 'contacted',
      assignee: senior,
      tier: 'L2',
    });
    const reopened = queueRowAfter(contacted, ticket('support.ticket.reopened.v1', {}, 't4'));
    expect(queueRowAfter(reopened, ticket('support.ticket.assigned.v1', { assignee: senior, tier: 'L2' }, 't5'))).toMatchObject({ state: 'assigned', assignee: senior });
  });

  it('returns the same row for events that do not move the ticket, and keeps a received ticket received on a second delivery', () => {
    const row = fold([received]);
    expect(queueRowAfter(row, ticket('support.ticket.feedback-given.v1', { satisfaction: 5 }, 't9'))).toBe(row);
    expect(queueRowAfter(row, { ...received, time: 't9' })).toBe(row);
  });

  it('keeps what is known of a ticket whose first events it never saw', () => {
    expect(fold([ticket('support.ticket.resolved.v1', { resolution: 'r', remote: true }, 't7')])).toMatchObject({ ticketId, state: 'resolved', customerId: null, changedAt: 't7' });
    expect(fold([ticket('support.ticket.dispatched-to-contractor.v1', { assignee: { id: 'c-1', role: 'contractor' } }, 't7')])).toMatchObject({ state: 'assigned', tier: 'L1' });
  });
});

describe('clock rows', () => {
  const clock = (type: string, data: object, time: string) => ({ type, data: { clockId: 'k1', ruleId: 'first-contact', ...data }, time }) as Observed<SlaEvent>;
  const started = clock('support.sla.clock-started.v1', { ticketId, dueAt: 'd1', warnAt: 'w1' }, 't0');

  it('runs, warns, pauses, resumes with new deadlines, breaches and ends', () => {
    const steps: Array<[Observed<SlaEvent>, Partial<ClockRow>]> = [
      [started, { status: 'running', dueAt: 'd1', warned: false, breached: false }],
      [clock('support.sla.clock-warned.v1', {}, 't1'), { warned: true }],
      [clock('support.sla.clock-paused.v1', {}, 't2'), { status: 'paused' }],
      [clock('support.sla.clock-resumed.v1', { dueAt: 'd2', warnAt: 'w2' }, 't3'), { status: 'running', dueAt: 'd2', warnAt: 'w2', warned: true }],
      [clock('support.sla.clock-breached.v1', {}, 't4'), { breached: true }],
      [clock('support.sla.clock-met.v1', {}, 't5'), { status: 'met', breached: true, changedAt: 't5' }],
    ];
    let row: ClockRow | undefined;
    for (const [event, expected] of steps) {
      row = clockRowAfter(row, event);
      expect(row).toMatchObject(expected);
    }
  });

  it('leaves a clock whose start it never saw off the board', () => {
    expect(clockRowAfter(undefined, clock('support.sla.clock-breached.v1', {}, 't4'))).toBeUndefined();
    const row = clockRowAfter(undefined, started);
    expect(clockRowAfter(row, started)).toBe(row);
  });
});
