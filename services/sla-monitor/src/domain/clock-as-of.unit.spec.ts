import { SlaEvent } from '@support/contracts';
import { DEFAULT_BUSINESS_CALENDAR } from './business-calendar';
import { calendarAt, clockAt, remainingMinutesAt, riskAt } from './clock-as-of';
import { SlaPolicyChanged } from './sla-policy.decider';

// a clock as of an instant: its events up to it (the caller cuts the stream), ticked at the instant
const calendar = DEFAULT_BUSINESS_CALENDAR;
const sh = (local: string) => new Date(Date.parse(`${local}:00+08:00`));
const TICKET = '0b6f3f2e-3c41-4e53-9a0b-1c2d3e4f5a6b';
const ref = { clockId: `ticket:${TICKET}:first-contact`, ruleId: 'first-contact', subject: { type: 'ticket' as const, id: TICKET }, ticketId: TICKET };

// an urgent ticket assigned Monday 10:00: first contact due 10:30, warning at 10:24
const started: SlaEvent = {
  type: 'support.sla.clock-started.v1',
  data: {
    ...ref,
    startedAt: sh('2025-03-03T10:00').toISOString(),
    dueAt: sh('2025-03-03T10:30').toISOString(),
    warnAt: sh('2025-03-03T10:24').toISOString(),
    timeBasis: 'calendar',
    targetMinutes: 30,
    urgency: 'urgent',
  },
};
const met = (local: string, withinTarget: boolean, remainingMinutes: number): SlaEvent => ({
  type: 'support.sla.clock-met.v1',
  data: { ...ref, at: sh(local).toISOString(), withinTarget, remainingMinutes },
});

describe('a clock as of an instant', () => {
  it('does not exist before it started', () => {
    expect(clockAt([], sh('2025-03-03T09:59'), calendar)).toBeUndefined();
  });

  it('counts down: running with the time left, neither at risk nor breached before its warning time', () => {
    const clock = clockAt([started], sh('2025-03-03T10:10'), calendar)!;
    expect(clock).toMatchObject({ status: 'running', warned: false, breached: false });
    expect(remainingMinutesAt(clock, sh('2025-03-03T10:10'), calendar)).toBe(20);
    expect(riskAt(clock, sh('2025-03-03T10:10'))).toBeUndefined();
  });

  it('is warned and at risk from its warning time, though no warning was recorded yet', () => {
    const clock = clockAt([started], sh('2025-03-03T10:25'), calendar)!;
    expect(clock).toMatchObject({ status: 'running', warned: true, breached: false });
    expect(riskAt(clock, sh('2025-03-03T10:25'))).toBe('at-risk');
    expect(remainingMinutesAt(clock, sh('2025-03-03T10:25'), calendar)).toBe(5);
  });

  it('is breached once past due, though no breach was recorded yet, and stays on the breached list while open', () => {
    const clock = clockAt([started], sh('2025-03-03T10:35'), calendar)!;
    expect(clock).toMatchObject({ status: 'breached', breached: true });
    expect(riskAt(clock, sh('2025-03-03T10:35'))).toBe('breached');
    expect(remainingMinutesAt(clock, sh('2025-03-03T10:35'), calendar)).toBe(-5);
  });

  it('is off both lists once met, with no time left to count', () => {
    const clock = clockAt([started, met('2025-03-03T10:20', true, 10)], sh('2025-03-03T10:40'), calendar)!;
    expect(clock).toMatchObject({ status: 'met', breached: false });
    expect(riskAt(clock, sh('2025-03-03T10:40'))).toBeUndefined();
    expect(remainingMinutesAt(clock, sh('2025-03-03T10:40'), calendar)).toBeNull();
  });

  it('takes the calendar of the last policy set by then, the defaults before any', () => {
    const berlin: SlaPolicyChanged = { type: 'support.sla.policy-changed.v1', data: { policyId: 'team', rules: [], calendar: { ...calendar, timeZone: 'Europe/Berlin' } } };
    expect(calendarAt([])).toBe(DEFAULT_BUSINESS_CALENDAR);
    expect(calendarAt([berlin]).timeZone).toBe('Europe/Berlin');
  });
});
