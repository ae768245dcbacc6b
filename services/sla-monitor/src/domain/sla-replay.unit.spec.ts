import { SlaEvent } from '@support/contracts';
import { DEFAULT_BUSINESS_CALENDAR } from './business-calendar';
import { DEFAULT_SLA_RULES, DurationSlaRule, SlaRule } from './sla-policy';
import { clockVerdictAt, PolicyChange, policyInForce, ReplayEvent, replaySlaClocks, SlaPolicySettings, slaOutcomeOf } from './sla-replay';

// 2024-03-04 is a Monday; 02:00Z is 10:00 in Shanghai
const T0 = Date.parse('2024-03-04T02:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const iso = (minutes: number) => at(minutes).toISOString();
const DEFAULTS: SlaPolicySettings = { rules: DEFAULT_SLA_RULES, calendar: DEFAULT_BUSINESS_CALENDAR };

let ids = 0;
const event = (type: string, data: Record<string, unknown>, minutes: number, id = `e-${++ids}`): ReplayEvent => ({ id, type, data, occurredAt: at(minutes) });
const withFirstContact = (targetMinutes: { urgent: number; normal: number }): SlaPolicySettings => ({
  rules: DEFAULT_SLA_RULES.map((rule): SlaRule => (rule.id === 'first-contact' ? ({ ...rule, targetMinutes } as DurationSlaRule) : rule)),
  calendar: DEFAULT_BUSINESS_CALENDAR,
});
const types = (events: readonly SlaEvent[] | undefined) => (events ?? []).map((e) => e.type.replace('support.sla.', '').replace('.v1', ''));

/** an urgent ticket asked for and received at `minute`, assigned 5 minutes later, contacted at `contactAt` */
function urgentTicket(ticketId: string, minute: number, contactAt?: number): ReplayEvent[] {
  return [
    event('support.ticket.received.v1', { ticketId, urgency: 'urgent', requestedAt: iso(minute) }, minute),
    event('support.ticket.assigned.v1', { ticketId, assignee: { id: 'agent-1', role: 'agent' }, tier: 'L1' }, minute + 5),
    ...(contactAt !== undefined ? [event('support.ticket.contacted.v1', { ticketId, channel: 'phone', contactedAt: iso(contactAt) }, contactAt)] : []),
  ];
}

describe('replaySlaClocks', () => {
  it('fires warnings and breaches at their due instants, the breach of an urgent first contact asking to escalate', () => {
    // first contact starts at 5, due at 35 (urgent: 30 min), warns at 5 + 24 = 29; the contact at 50 is late
    const replay = replaySlaClocks({ events: urgentTicket('t-1', 0, 50), policy: [], proposal: DEFAULTS, from: at(-60), to: at(120) });
    const firstContact = replay.clocks.get('ticket:t-1:first-contact')!;
    expect(types(firstContact)).toEqual(['clock-started', 'clock-warned', 'clock-breached', 'clock-met']);
    expect(firstContact[1].data).toMatchObject({ at: iso(29) });
    expect(firstContact[2].data).toMatchObject({ at: new Date(at(35).getTime() + 1).toISOString(), action: 'escalate' });
    expect(firstContact[3].data).toMatchObject({ at: iso(50), withinTarget: false });
    // the hand-over (15 min from the request) was met by the assignment at 5
    expect(types(replay.clocks.get('ticket:t-1:hand-over'))).toEqual(['clock-started', 'clock-met']);
    // the contact started the remote attempt (30 min): due at 80, warned at 74, breached just after 80
    expect(types(replay.clocks.get('ticket:t-1:remote-attempt'))).toEqual(['clock-started', 'clock-warned', 'clock-breached']);
    expect(replay.replayed).toEqual({ eventsInPeriod: 3, eventsBefore: 0 });
  });

  it('gives what a proposed policy would have: a longer first-contact target meets the same contact in time, without warning', () => {
    // urgent 60: due at 65, warns at 5 + 48 = 53, after the contact at 50
    const replay = replaySlaClocks({ events: urgentTicket('t-1', 0, 50), policy: [], proposal: withFirstContact({ urgent: 60, normal: 90 }), from: at(-60), to: at(120) });
    expect(types(replay.clocks.get('ticket:t-1:first-contact'))).toEqual(['clock-started', 'clock-met']);
    const verdict = clockVerdictAt(replay.clocks.get('ticket:t-1:first-contact')!, at(120), DEFAULT_BUSINESS_CALENDAR)!;
    expect(verdict).toMatchObject({ status: 'met', withinTarget: true, warnedAt: null, breachedAt: null, escalated: false, dueAt: iso(65), endedAt: iso(50) });
  });

  it('runs the events before the period under the policy recorded in force then, and the proposal from the period on', () => {
    const policy: PolicyChange[] = [{ at: at(-24 * 60), settings: withFirstContact({ urgent: 20, normal: 40 }) }];
    const events = [...urgentTicket('before', 0, 28), ...urgentTicket('after', 30, 58)].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
    // from 10 on the proposal (urgent 60) applies: 'before' was assigned at 5 under the recorded 20 minutes (due 25), and keeps
    // its terms: the contact at 28 is late; 'after' is assigned at 35 under the proposal: due 95, the contact at 58 in time
    const replay = replaySlaClocks({ events, policy, proposal: withFirstContact({ urgent: 60, normal: 90 }), from: at(10), to: at(120) });
    const verdict = (id: string) => clockVerdictAt(replay.clocks.get(`ticket:${id}:first-contact`)!, at(120), DEFAULT_BUSINESS_CALENDAR)!;
    expect(verdict('before')).toMatchObject({ dueAt: iso(25), breachedAt: new Date(at(25).getTime() + 1).toISOString(), withinTarget: false });
    expect(verdict('after')).toMatchObject({ dueAt: iso(95), breachedAt: null, withinTarget: true });
    expect(replay.replayed).toEqual({ eventsInPeriod: 4, eventsBefore: 2 });
    expect(policyInForce(policy, at(-24 * 60 - 1))).toEqual(DEFAULTS);
    expect(policyInForce(policy, at(0))).toBe(policy[0].settings);
  });

  it('never fires a clock before the monitor saw it: a hand-over due before the ticket came in warns when it comes in', () => {
    // asked at 0, typed in at 14: the hand-over (15 min) is due at 15 and warns at 12, before the monitor saw it at 14
    const events = [event('support.ticket.received.v1', { ticketId: 't-7', urgency: 'normal', requestedAt: iso(0) }, 14)];
    const clock = replaySlaClocks({ events, policy: [], proposal: DEFAULTS, from: at(-60), to: at(60) }).clocks.get('ticket:t-7:hand-over')!;
    expect(types(clock)).toEqual(['clock-started', 'clock-warned', 'clock-breached']);
    expect([clock[1].data, clock[2].data]).toMatchObject([{ at: iso(14) }, { at: new Date(at(15).getTime() + 1).toISOString() }]);
  });

  it('meets a clock at its start when its stop came first (another topic ran ahead), as the live monitor does', () => {
    const events = [
      event('support.sheet.submitted.v1', { sheetId: 's-1', ticketId: 't-2', kind: 'remote', submittedAt: iso(0) }, 0),
      event('support.ticket.resolved.v1', { ticketId: 't-2', resolution: 'driver reinstalled', remote: true }, 2),
    ];
    const replay = replaySlaClocks({ events, policy: [], proposal: DEFAULTS, from: at(-60), to: at(60) });
    expect(types(replay.clocks.get('ticket:t-2:remote-fix-sheet'))).toEqual(['clock-started', 'clock-met']);
  });

  it('pauses and resumes as the rules say, moving the due time by the pause', () => {
    const events = [
      event('support.ticket.contacted.v1', { ticketId: 't-3', channel: 'phone' }, 0),
      event('support.ticket.quoted.v1', { ticketId: 't-3', amount: 100 }, 10),
      event('support.ticket.quote-accepted.v1', { ticketId: 't-3' }, 70),
      event('support.ticket.resolved.v1', { ticketId: 't-3', resolution: 'fixed', remote: true }, 85),
    ];
    // remote attempt: 30 min from 0, paused at 10 with 20 left, resumed at 70: due 90, warn (at 24 of 30) at 84
    const replay = replaySlaClocks({ events, policy: [], proposal: DEFAULTS, from: at(-60), to: at(120) });
    const clock = replay.clocks.get('ticket:t-3:remote-attempt')!;
    expect(types(clock)).toEqual(['clock-started', 'clock-paused', 'clock-resumed', 'clock-warned', 'clock-met']);
    expect(clock[2].data).toMatchObject({ dueAt: iso(90), warnAt: iso(84) });
  });

  it('replays an event delivered twice once, and leaves out what was recorded after the period', () => {
    const received = event('support.ticket.received.v1', { ticketId: 't-4', urgency: 'normal', requestedAt: iso(0) }, 0);
    const events = [received, { ...received }, event('support.ticket.assigned.v1', { ticketId: 't-4', assignee: { id: 'a', role: 'agent' }, tier: 'L1' }, 200)];
    const replay = replaySlaClocks({ events, policy: [], proposal: DEFAULTS, from: at(-60), to: at(60) });
    expect(types(replay.clocks.get('ticket:t-4:hand-over'))).toEqual(['clock-started', 'clock-warned', 'clock-breached']);
    expect(replay.clocks.has('ticket:t-4:first-contact')).toBe(false);
    expect(replay.replayed).toEqual({ eventsInPeriod: 1, eventsBefore: 0 });
  });

  it('is deterministic: the same input gives the same clocks, in the same order', () => {
    const events = [...urgentTicket('t-5', 0, 40), ...urgentTicket('t-6', 0, 20)].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
    const run = () => JSON.stringify([...replaySlaClocks({ events, policy: [], proposal: DEFAULTS, from: at(-60), to: at(120) }).clocks]);
    expect(run()).toBe(run());
  });
});

describe('clockVerdictAt', () => {
  const started: SlaEvent = {
    type: 'support.sla.clock-started.v1',
    data: {
      clockId: 'ticket:t:first-contact',
      ruleId: 'first-contact',
      subject: { type: 'ticket', id: 't' },
      ticketId: 't',
      startedAt: iso(0),
      dueAt: iso(30),
      warnAt: iso(24),
      timeBasis: 'calendar',
      targetMinutes: 30,
      urgency: 'urgent',
      breachAction: 'escalate',
    },
  };

  it('counts a warning and a breach due by the instant though the scheduler had not recorded them yet', () => {
    expect(clockVerdictAt([started], at(25), DEFAULT_BUSINESS_CALENDAR)).toMatchObject({ status: 'running', warnedAt: iso(25), breachedAt: null });
    expect(clockVerdictAt([started], at(31), DEFAULT_BUSINESS_CALENDAR)).toMatchObject({ status: 'breached', breachedAt: iso(31), escalated: true });
    expect(clockVerdictAt([], at(31), DEFAULT_BUSINESS_CALENDAR)).toBeUndefined();
  });
});

describe('slaOutcomeOf', () => {
  it('counts the clocks that started in the period, by rule and urgency, with time to first contact and escalations', () => {
    // t-a: contact at 20 (first contact 15 min after the assignment at 5), t-b: at 50 (45 min, late), t-c: at 10 (5 min);
    // t-d started before the period and is not counted
    const events = [...urgentTicket('t-a', 0, 20), ...urgentTicket('t-b', 0, 50), ...urgentTicket('t-c', 0, 10), ...urgentTicket('t-d', -100, -60)].sort(
      (a, b) => a.occurredAt.getTime() - b.occurredAt.getTime(),
    );
    const replay = replaySlaClocks({ events, policy: [], proposal: DEFAULTS, from: at(-1), to: at(60) });
    const verdicts = [...replay.clocks.values()].map((clock) => clockVerdictAt(clock, at(60), DEFAULT_BUSINESS_CALENDAR)!);
    const outcome = slaOutcomeOf(verdicts, { from: at(-1), to: at(60) });
    expect(outcome.firstContact).toEqual({ count: 3, p50: 15, p90: 45 });
    expect(outcome.escalations).toBe(1);
    expect(outcome.byRule).toEqual([
      { ruleId: 'first-contact', urgency: 'urgent', clocks: 3, breached: 1, met: 2, warned: 1 },
      { ruleId: 'hand-over', urgency: 'urgent', clocks: 3, breached: 0, met: 3, warned: 0 },
      // remote attempts: started at 20 (due 50, warned at 44, breached), 50 (due 80: open at 60) and 10 (due 40, warned at 34, breached)
      { ruleId: 'remote-attempt', urgency: 'urgent', clocks: 3, breached: 2, met: 0, warned: 2 },
    ]);
    expect(outcome).toMatchObject({ clocks: 9, breached: 3, met: 5 });
  });
});
