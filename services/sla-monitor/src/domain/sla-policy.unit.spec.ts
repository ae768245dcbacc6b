import { DEFAULT_BUSINESS_CALENDAR } from './business-calendar';
import {
  clockIdOf,
  clockTermsFor,
  DeadlineSlaRule,
  DEFAULT_SLA_RULES,
  DurationSlaRule,
  eventTime,
  matches,
  SlaRule,
  subjectIdOf,
  targetFor,
  validateSlaPolicy,
  validateSlaRule,
} from './sla-policy';

const sh = (local: string) => new Date(Date.parse(`${local}:00+08:00`));
const TICKET = '0b6f3f2e-3c41-4e53-9a0b-1c2d3e4f5a6b';
const rule = (id: string) => DEFAULT_SLA_RULES.find((r) => r.id === id) as SlaRule;

describe('SLA policy', () => {
  describe('default rules', () => {
    it('are the deadlines of DOMAIN.md, one rule each', () => {
      const table = DEFAULT_SLA_RULES.map((r) => ({
        id: r.id,
        subject: r.subject,
        start: r.start.map((m) => m.type + (m.where ? ` ${JSON.stringify(m.where)}` : '') + (m.timeField ? ` @${m.timeField}` : '')),
        stop: r.stop.map((m) => m.type + (m.where ? ` ${JSON.stringify(m.where)}` : '') + (m.timeField ? ` @${m.timeField}` : '')),
        pause: r.pause?.map((m) => m.type),
        resume: r.resume?.map((m) => m.type),
        cancel: r.cancel?.map((m) => m.type),
        target: r.deadline ?? r.targetMinutes,
        timeBasis: r.timeBasis,
        warnAtPercent: r.warnAtPercent,
        onBreach: r.onBreach,
      }));
      expect(table).toEqual([
        {
          id: 'hand-over',
          subject: 'ticket',
          start: ['support.ticket.received.v1 @requestedAt'],
          stop: ['support.ticket.assigned.v1', 'support.ticket.dispatched-to-contractor.v1'],
          pause: undefined,
          resume: undefined,
          cancel: ['support.ticket.cancelled.v1', 'support.ticket.closed.v1'],
          target: 15,
          timeBasis: 'calendar',
          warnAtPercent: 80,
          onBreach: undefined,
        },
        {
          id: 'first-contact',
          subject: 'ticket',
          start: ['support.ticket.assigned.v1', 'support.ticket.dispatched-to-contractor.v1'],
          stop: ['support.ticket.contacted.v1 @contactedAt'],
          pause: undefined,
          resume: undefined,
          cancel: ['support.ticket.cancelled.v1', 'support.ticket.closed.v1'],
          target: { urgent: 30, normal: 60 },
          timeBasis: 'calendar',
          warnAtPercent: 80,
          onBreach: ['escalate-if-urgent'],
        },
        {
          id: 'remote-attempt',
          subject: 'ticket',
          start: ['support.ticket.contacted.v1 @contactedAt'],
          stop: ['support.ticket.resolved.v1 {"remote":true}', 'support.ticket.on-site-scheduled.v1'],
          pause: ['support.ticket.quoted.v1'],
          resume: ['support.ticket.quote-accepted.v1', 'support.ticket.quote-declined.v1'],
          cancel: ['support.ticket.cancelled.v1', 'support.ticket.closed.v1'],
          target: 30,
          timeBasis: 'calendar',
          warnAtPercent: 80,
          onBreach: undefined,
        },
        {
          id: 'remote-fix-sheet',
          subject: 'ticket',
          start: ['support.ticket.resolved.v1 {"remote":true}'],
          stop: ['support.sheet.submitted.v1'],
          pause: undefined,
          resume: undefined,
          cancel: ['support.ticket.cancelled.v1'],
          target: 10,
          timeBasis: 'calendar',
          warnAtPercent: 80,
          onBreach: undefined,
        },
        {
          id: 'on-site-sheet',
          subject: 'visit',
          start: ['support.visit.completed.v1'],
          stop: ['support.sheet.submitted.v1'],
          pause: undefined,
          resume: undefined,
          cancel: ['support.visit.cancelled.v1', 'support.ticket.cancelled.v1'],
          target: 120,
          timeBasis: 'calendar',
          warnAtPercent: 80,
          onBreach: undefined,
        },
        {
          id: 'on-site-preparation',
          subject: 'visit',
          start: ['support.ticket.on-site-scheduled.v1', 'support.visit.scheduled.v1'],
          stop: ['support.visit.prepared.v1'],
          pause: undefined,
          resume: undefined,
          cancel: ['support.visit.cancelled.v1', 'support.ticket.cancelled.v1'],
          target: { field: 'appointmentAt', offsetMinutes: -60 },
          timeBasis: 'calendar',
          warnAtPercent: 80,
          onBreach: undefined,
        },
        {
          id: 'case-analysis',
          subject: 'analysis',
          start: ['support.case.analysis-opened.v1'],
          stop: ['support.case.analysis-closed.v1'],
          pause: undefined,
          resume: undefined,
          cancel: undefined,
          target: 1620,
          timeBasis: 'working',
          warnAtPercent: 80,
          onBreach: undefined,
        },
      ]);
    });

    it.each(DEFAULT_SLA_RULES.map((r) => [r.id, r] as const))('%s is valid and stored as it is', (_, r) => {
      expect(validateSlaRule(JSON.parse(JSON.stringify(r)))).toEqual({ ok: true, rule: r });
    });

    it('form a valid policy, and cannot be changed in place', () => {
      expect(validateSlaPolicy(JSON.parse(JSON.stringify(DEFAULT_SLA_RULES)))).toEqual({ ok: true, rules: DEFAULT_SLA_RULES });
      expect(Object.isFrozen(DEFAULT_SLA_RULES)).toBe(true);
      expect(Object.isFrozen(rule('first-contact').targetMinutes)).toBe(true);
      expect(Object.isFrozen(rule('hand-over').start[0])).toBe(true);
    });
  });

  describe('validation', () => {
    const valid = {
      id: 'callback',
      name: 'Call back within 20 minutes',
      subject: 'ticket',
      start: [{ type: 'support.ticket.received.v1' }],
      stop: [{ type: 'support.ticket.contacted.v1' }],
      targetMinutes: 20,
      timeBasis: 'calendar',
    };

    it('defaults warnAtPercent to 80 and trims the name', () => {
      expect(validateSlaRule({ ...valid, name: ' Call back within 20 minutes ' })).toEqual({ ok: true, rule: { ...valid, warnAtPercent: 80 } });
    });

    const CASES: Array<[string, Record<string, unknown>, string]> = [
      ['an id with capitals', { id: 'FirstContact' }, 'id must be lower-case words joined by hyphens, at most 64 characters (e.g. first-contact)'],
      ['an empty name', { name: '  ' }, 'name must be a text of 1 to 200 characters'],
      ['an unknown subject', { subject: 'customer' }, 'subject must be one of ticket, visit, sheet, analysis'],
      ['an unknown time basis', { timeBasis: 'business' }, 'timeBasis must be one of calendar, working'],
      ['no start', { start: [] }, 'start must be a list of event matchers {type, where?, timeField?}, at least one'],
      ['no stop', { stop: undefined }, 'stop must be a list of event matchers {type, where?, timeField?}, at least one'],
      ['a bad event type', { stop: [{ type: 'ticket contacted' }] }, 'stop[0].type must be an event type such as support.ticket.received.v1'],
      ['a bad where value', { stop: [{ type: 'support.ticket.resolved.v1', where: { remote: ['yes'] } }] }, 'stop[0].where.remote must be a string, number, boolean or null'],
      ['a bad where path', { stop: [{ type: 'support.ticket.resolved.v1', where: { 'a..b': 1 } }] }, 'stop[0].where.a..b must name a data field (dotted path)'],
      [
        'a bad time field',
        { start: [{ type: 'support.ticket.received.v1', timeField: 'requested at' }] },
        'start[0].timeField must name a date-time field of the event data (dotted path)',
      ],
      ['an unknown matcher field', { start: [{ type: 'support.ticket.received.v1', when: 'now' }] }, 'start[0].when is not a matcher field'],
      ['pause without resume', { pause: [{ type: 'support.ticket.quoted.v1' }] }, 'pause and resume go together: give both or neither'],
      ['an event that starts and stops', { stop: [{ type: 'support.ticket.received.v1' }] }, 'stop[0] matches the same events as start[0]'],
      ['no target', { targetMinutes: undefined }, 'give either targetMinutes (a duration) or deadline (a time in the start event), exactly one'],
      [
        'a target and a deadline',
        { deadline: { field: 'appointmentAt', offsetMinutes: -60 } },
        'give either targetMinutes (a duration) or deadline (a time in the start event), exactly one',
      ],
      ['a zero target', { targetMinutes: 0 }, 'targetMinutes must be a whole number of minutes from 1 to 527040'],
      ['a fractional target', { targetMinutes: 7.5 }, 'targetMinutes must be a whole number of minutes from 1 to 527040'],
      ['an urgency target missing', { targetMinutes: { urgent: 30 } }, 'targetMinutes.normal must be a whole number of minutes from 1 to 527040'],
      ['an unknown urgency', { targetMinutes: { urgent: 30, normal: 60, low: 120 } }, 'targetMinutes.low is not an urgency (urgent, normal)'],
      [
        'a deadline without field',
        { targetMinutes: undefined, deadline: { offsetMinutes: -60 } },
        'deadline.field must name a date-time field of the start event data (e.g. appointmentAt)',
      ],
      [
        'a fractional deadline offset',
        { targetMinutes: undefined, deadline: { field: 'appointmentAt', offsetMinutes: 0.5 } },
        'deadline.offsetMinutes must be a whole number of minutes from -527040 to 527040 (negative = before)',
      ],
      ['warning at 100%', { warnAtPercent: 100 }, 'warnAtPercent must be a whole percentage from 1 to 99'],
      ['warning at 0%', { warnAtPercent: 0 }, 'warnAtPercent must be a whole percentage from 1 to 99'],
      ['an unknown breach policy', { onBreach: ['page-the-lead'] }, 'onBreach[0] must be one of escalate-if-urgent'],
      ['a repeated breach policy', { onBreach: ['escalate-if-urgent', 'escalate-if-urgent'] }, 'onBreach[1] repeats escalate-if-urgent'],
      ['an unknown field', { priority: 1 }, 'priority is not a rule field'],
    ];
    it.each(CASES)('refuses %s, naming the field', (_, change, error) => {
      const result = validateSlaRule({ ...valid, ...change });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.errors).toContain(error);
    });

    it('refuses what is not an object', () => {
      expect(validateSlaRule(null)).toEqual({ ok: false, errors: ['rule must be an object'] });
      expect(validateSlaPolicy({})).toEqual({ ok: false, errors: ['rules must be a list of SLA rules'] });
    });

    it('refuses a policy with a repeated rule id, or a bad rule, by index', () => {
      expect(validateSlaPolicy([valid, { ...valid }])).toEqual({ ok: false, errors: ['rules[1].id repeats callback'] });
      expect(validateSlaPolicy([valid, { ...valid, id: 'other', warnAtPercent: 120 }])).toEqual({
        ok: false,
        errors: ['rules[1].warnAtPercent must be a whole percentage from 1 to 99'],
      });
    });
  });

  describe('reading events', () => {
    const resolved = { type: 'support.ticket.resolved.v1', data: { ticketId: TICKET, resolution: 'driver', remote: true, meta: { channel: 'phone' } } };

    it('matches by type and equal data fields, dotted paths included', () => {
      expect(matches({ type: 'support.ticket.resolved.v1' }, resolved)).toBe(true);
      expect(matches({ type: 'support.ticket.resolved.v1', where: { remote: true } }, resolved)).toBe(true);
      expect(matches({ type: 'support.ticket.resolved.v1', where: { remote: false } }, resolved)).toBe(false);
      expect(matches({ type: 'support.ticket.resolved.v1', where: { 'meta.channel': 'phone' } }, resolved)).toBe(true);
      expect(matches({ type: 'support.ticket.resolved.v1', where: { 'remote.x': true } }, resolved)).toBe(false);
      expect(matches({ type: 'support.ticket.closed.v1' }, resolved)).toBe(false);
    });

    it('takes the time the event states, never later than the event itself', () => {
      const received = (requestedAt: unknown) => ({ type: 'support.ticket.received.v1', data: { requestedAt }, occurredAt: '2025-03-03T02:05:00.000Z' });
      const matcher = { type: 'support.ticket.received.v1', timeField: 'requestedAt' };
      expect(eventTime(matcher, received('2025-03-03T02:00:00.000Z'))).toEqual(sh('2025-03-03T10:00'));
      expect(eventTime(matcher, received('2025-03-03T10:00:00+08:00'))).toEqual(sh('2025-03-03T10:00'));
      expect(eventTime(matcher, received('2025-03-03T02:10:00.000Z'))).toEqual(sh('2025-03-03T10:05')); // in the future: the event's time
      expect(eventTime(matcher, received(undefined))).toEqual(sh('2025-03-03T10:05'));
      expect(eventTime(matcher, received('2025-03-03 10:00'))).toEqual(sh('2025-03-03T10:05')); // no zone: not trusted
      expect(eventTime({ type: 'support.ticket.received.v1' }, received('2025-03-03T02:00:00.000Z'))).toEqual(sh('2025-03-03T10:05'));
      expect(() => eventTime(matcher, { ...received(undefined), occurredAt: 'yesterday' })).toThrow('has no valid occurredAt');
    });

    it('finds the subject by its id field', () => {
      expect(subjectIdOf('ticket', { ticketId: TICKET })).toBe(TICKET);
      expect(subjectIdOf('visit', { ticketId: TICKET, visitId: 'v-1' })).toBe('v-1');
      expect(subjectIdOf('visit', { ticketId: TICKET })).toBeUndefined();
      expect(subjectIdOf('sheet', { sheetId: ' ' })).toBeUndefined();
      expect(subjectIdOf('analysis', { analysisId: 'a-1' })).toBe('a-1');
      expect(clockIdOf('first-contact', { type: 'ticket', id: TICKET })).toBe(`ticket:${TICKET}:first-contact`);
    });
  });

  describe("a clock's terms", () => {
    it('the target by urgency; the stricter one when the urgency is not known', () => {
      const firstContact = rule('first-contact') as DurationSlaRule;
      expect(targetFor(firstContact, 'urgent')).toBe(30);
      expect(targetFor(firstContact, 'normal')).toBe(60);
      expect(targetFor(firstContact)).toBe(30);
      expect(targetFor(rule('hand-over') as DurationSlaRule, 'normal')).toBe(15);
    });

    it('a calendar-time duration: due after the target, warning at 80%', () => {
      expect(clockTermsFor(rule('first-contact'), { startedAt: sh('2025-03-03T10:00'), data: {}, urgency: 'normal', ticketId: TICKET }, DEFAULT_BUSINESS_CALENDAR)).toEqual({
        startedAt: sh('2025-03-03T10:00'),
        dueAt: sh('2025-03-03T11:00'),
        warnAt: sh('2025-03-03T10:48'),
        targetMinutes: 60,
        urgency: 'normal',
      });
    });

    it('escalates on breach only a ticket known to be urgent', () => {
      const terms = (urgency?: 'urgent' | 'normal', ticketId: string | null = TICKET) =>
        clockTermsFor(rule('first-contact'), { startedAt: sh('2025-03-03T10:00'), data: {}, urgency, ticketId: ticketId ?? undefined }, DEFAULT_BUSINESS_CALENDAR);
      expect(terms('urgent')).toMatchObject({ dueAt: sh('2025-03-03T10:30'), warnAt: sh('2025-03-03T10:24'), breachAction: 'escalate' });
      expect(terms('normal')?.breachAction).toBeUndefined();
      expect(terms(undefined)).toEqual({ startedAt: sh('2025-03-03T10:00'), dueAt: sh('2025-03-03T10:30'), warnAt: sh('2025-03-03T10:24'), targetMinutes: 30 });
      expect(terms('urgent', null)?.breachAction).toBeUndefined(); // no ticket to escalate
    });

    it('a working-time duration: three working days, warning after 80% of the working time', () => {
      expect(clockTermsFor(rule('case-analysis'), { startedAt: sh('2025-03-07T16:00'), data: {} }, DEFAULT_BUSINESS_CALENDAR)).toEqual({
        startedAt: sh('2025-03-07T16:00'),
        dueAt: sh('2025-03-12T16:00'),
        warnAt: sh('2025-03-12T10:36'),
        targetMinutes: 1620,
      });
    });

    it('a deadline: one hour before the appointment, warning after 80% of the time until then', () => {
      const data = { appointmentAt: '2025-03-04T06:00:00.000Z' }; // Tuesday 14:00 local
      expect(clockTermsFor(rule('on-site-preparation'), { startedAt: sh('2025-03-03T10:00'), data }, DEFAULT_BUSINESS_CALENDAR)).toEqual({
        startedAt: sh('2025-03-03T10:00'),
        dueAt: sh('2025-03-04T13:00'),
        warnAt: sh('2025-03-04T07:36'),
        targetMinutes: 27 * 60,
      });
    });

    it('a deadline already passed at the start is due (and warns) at once; without the anchor there is no clock', () => {
      const data = { appointmentAt: '2025-03-03T02:30:00.000Z' }; // 10:30 local, booked at 10:00
      expect(clockTermsFor(rule('on-site-preparation'), { startedAt: sh('2025-03-03T10:00'), data }, DEFAULT_BUSINESS_CALENDAR)).toEqual({
        startedAt: sh('2025-03-03T10:00'),
        dueAt: sh('2025-03-03T09:30'),
        warnAt: sh('2025-03-03T09:30'),
        targetMinutes: 0,
      });
      expect(clockTermsFor(rule('on-site-preparation'), { startedAt: sh('2025-03-03T10:00'), data: {} }, DEFAULT_BUSINESS_CALENDAR)).toBeUndefined();
    });

    it('a deadline in working time counts back in working time', () => {
      const review: SlaRule = {
        ...(rule('on-site-preparation') as DeadlineSlaRule),
        id: 'review-prep',
        timeBasis: 'working',
        deadline: { field: 'reviewAt', offsetMinutes: -120 },
      };
      const data = { reviewAt: '2025-03-10T02:00:00.000Z' }; // Monday 10:00 local: two working hours before is Friday 17:00
      expect(clockTermsFor(review, { startedAt: sh('2025-03-07T09:00'), data }, DEFAULT_BUSINESS_CALENDAR)).toMatchObject({
        dueAt: sh('2025-03-07T17:00'),
        targetMinutes: 480,
        warnAt: sh('2025-03-07T15:24'),
      });
    });
  });
});
