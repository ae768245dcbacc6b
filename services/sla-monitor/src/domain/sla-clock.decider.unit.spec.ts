import fc from 'fast-check';
import { EventCatalogue, eventCatalogue } from '@support/contracts';
import { foldEvents } from '@support/decider';
import { deciderSpecification } from '@support/test-kit';
import { DEFAULT_BUSINESS_CALENDAR } from './business-calendar';
import { SLA_CLOCK_COMMAND_TYPES, SlaClockCommand, StartClock } from './sla-clock.commands';
import { slaClockDecider } from './sla-clock.decider';
import { CLOCK_ENDING_EVENTS, isOpen, nextTickAt, remaining, SlaClock, SlaClockState } from './sla-clock.state';
import { SLA_CLOCK_AGGREGATE, SLA_TOPIC, SlaEvent, SlaEventOf, slaEvents } from '@support/contracts';

const spec = deciderSpecification(slaClockDecider);
const catalogue = new EventCatalogue(slaEvents);
const calendar = DEFAULT_BUSINESS_CALENDAR;

// Shanghai local time (UTC+8, no DST); 2025-03-03 is a Monday
const sh = (local: string) => new Date(Date.parse(`${local}:00+08:00`));
const iso = (local: string) => sh(local).toISOString();

const TICKET = '0b6f3f2e-3c41-4e53-9a0b-1c2d3e4f5a6b';
const CLOCK = `ticket:${TICKET}:first-contact`;
const ref = { clockId: CLOCK, ruleId: 'first-contact', subject: { type: 'ticket' as const, id: TICKET }, ticketId: TICKET };

// an urgent ticket assigned Monday 10:00: first contact due 10:30, warning at 10:24 (80%)
const startCommand = (fields: Partial<StartClock> = {}): StartClock => ({
  type: 'StartClock',
  clockId: CLOCK,
  at: sh('2025-03-03T10:00'),
  ruleId: 'first-contact',
  subject: { type: 'ticket', id: TICKET },
  ticketId: TICKET,
  timeBasis: 'calendar',
  targetMinutes: 30,
  startedAt: sh('2025-03-03T10:00'),
  dueAt: sh('2025-03-03T10:30'),
  warnAt: sh('2025-03-03T10:24'),
  urgency: 'urgent',
  breachAction: 'escalate',
  ...fields,
});

const started = (fields: Partial<SlaEventOf<'support.sla.clock-started.v1'>['data']> = {}): SlaEvent => ({
  type: 'support.sla.clock-started.v1',
  data: {
    ...ref,
    startedAt: iso('2025-03-03T10:00'),
    dueAt: iso('2025-03-03T10:30'),
    warnAt: iso('2025-03-03T10:24'),
    timeBasis: 'calendar',
    targetMinutes: 30,
    urgency: 'urgent',
    breachAction: 'escalate',
    ...fields,
  },
});
const paused = (at: string, remainingMinutes: number): SlaEvent => ({ type: 'support.sla.clock-paused.v1', data: { ...ref, at: iso(at), remainingMinutes } });
const resumed = (at: string, dueAt: string, warnAt: string, pausedMinutes: number): SlaEvent => ({
  type: 'support.sla.clock-resumed.v1',
  data: { ...ref, at: iso(at), dueAt: iso(dueAt), warnAt: iso(warnAt), pausedMinutes },
});
const warned = (at: string, remainingMinutes: number, dueAt = '2025-03-03T10:30'): SlaEvent => ({
  type: 'support.sla.clock-warned.v1',
  data: { ...ref, at: iso(at), dueAt: iso(dueAt), remainingMinutes },
});
const breached = (at: string, lateByMinutes: number, action?: 'escalate', dueAt = '2025-03-03T10:30'): SlaEvent => ({
  type: 'support.sla.clock-breached.v1',
  data: { ...ref, at: iso(at), dueAt: iso(dueAt), lateByMinutes, ...(action ? { action } : {}) },
});
const met = (at: string, withinTarget: boolean, remainingMinutes: number): SlaEvent => ({
  type: 'support.sla.clock-met.v1',
  data: { ...ref, at: iso(at), withinTarget, remainingMinutes },
});
const cancelled = (at: string, reason: string): SlaEvent => ({ type: 'support.sla.clock-cancelled.v1', data: { ...ref, at: iso(at), reason } });

const tick = (at: string | Date): SlaClockCommand => ({ type: 'Tick', clockId: CLOCK, at: typeof at === 'string' ? sh(at) : at, calendar });
const pause = (at: string): SlaClockCommand => ({ type: 'PauseClock', clockId: CLOCK, at: sh(at), calendar });
const resume = (at: string): SlaClockCommand => ({ type: 'ResumeClock', clockId: CLOCK, at: sh(at), calendar });
const stop = (at: string | Date): SlaClockCommand => ({ type: 'StopClock', clockId: CLOCK, at: typeof at === 'string' ? sh(at) : at, calendar });
const cancel = (at: string, reason = 'support.ticket.cancelled.v1'): SlaClockCommand => ({ type: 'CancelClock', clockId: CLOCK, at: sh(at), reason });

const fold = (events: readonly SlaEvent[]) => foldEvents(slaClockDecider, events) as SlaClock;
const decide = (history: readonly SlaEvent[], command: SlaClockCommand) => slaClockDecider.decide(command, foldEvents(slaClockDecider, history));

describe('SLA clock events', () => {
  it('go to support.sla.v1, keyed by the clock, and fit into the public catalogue', () => {
    expect(slaEvents.map((definition) => definition.type)).toEqual([
      'support.sla.clock-started.v1',
      'support.sla.clock-paused.v1',
      'support.sla.clock-resumed.v1',
      'support.sla.clock-warned.v1',
      'support.sla.clock-breached.v1',
      'support.sla.clock-met.v1',
      'support.sla.clock-cancelled.v1',
    ]);
    for (const definition of slaEvents) expect([definition.topic, definition.aggregate]).toEqual([SLA_TOPIC, SLA_CLOCK_AGGREGATE]);
    expect(eventCatalogue.topics()).toContain('support.sla.v1');
    for (const definition of slaEvents) expect(eventCatalogue.definition(definition.type)).toBe(definition);
  });

  it('refuse data outside the schema', () => {
    expect(catalogue.validate('support.sla.clock-started.v1', { ...started().data, extra: 1 }).ok).toBe(false);
    expect(catalogue.validate('support.sla.clock-breached.v1', { ...breached('2025-03-03T10:31', 1).data, action: 'page' }).ok).toBe(false);
    expect(catalogue.validate('support.sla.clock-met.v1', { ...ref, at: 'today', withinTarget: true, remainingMinutes: 1 }).ok).toBe(false);
    expect(catalogue.validate('support.sla.clock-cancelled.v1', { ...ref, at: iso('2025-03-03T10:00'), reason: '' }).ok).toBe(false);
  });
});

describe('SLA clock decider', () => {
  it('knows every command type', () => {
    expect([...SLA_CLOCK_COMMAND_TYPES].sort()).toEqual(['CancelClock', 'PauseClock', 'ResumeClock', 'StartClock', 'StopClock', 'Tick']);
  });

  describe('StartClock', () => {
    it('starts the clock with its terms, and the event validates against the catalogue', () => {
      spec.given([]).when(startCommand()).then([started()]);
      expect(fold([started()])).toEqual({
        started: true,
        ...ref,
        urgency: 'urgent',
        timeBasis: 'calendar',
        targetMinutes: 30,
        breachAction: 'escalate',
        startedAt: sh('2025-03-03T10:00'),
        dueAt: sh('2025-03-03T10:30'),
        warnAt: sh('2025-03-03T10:24'),
        status: 'running',
        warned: false,
        breached: false,
      });
      expect(catalogue.validate(started().type, started().data)).toEqual({ ok: true });
    });

    it('leaves out what is not known (ticket, urgency, breach action)', () => {
      const command = startCommand({ ticketId: undefined, urgency: undefined, breachAction: undefined });
      const decision = decide([], command);
      expect(decision.ok && decision.events[0].data).toEqual({
        clockId: CLOCK,
        ruleId: 'first-contact',
        subject: { type: 'ticket', id: TICKET },
        startedAt: iso('2025-03-03T10:00'),
        dueAt: iso('2025-03-03T10:30'),
        warnAt: iso('2025-03-03T10:24'),
        timeBasis: 'calendar',
        targetMinutes: 30,
      });
      if (decision.ok) expect(catalogue.validate(decision.events[0].type, decision.events[0].data)).toEqual({ ok: true });
    });

    it('runs once per subject and rule (409)', () => {
      spec
        .given([started()])
        .when(startCommand())
        .thenRejects('illegal-transition', /already started \(it runs once per subject and rule\)/);
    });

    const INVALID: Array<[string, Partial<StartClock>, RegExp]> = [
      ['an empty clock id', { clockId: ' ' }, /^clockId must not be empty$/],
      ['an empty rule id', { ruleId: '' }, /^ruleId must not be empty$/],
      ['an unknown subject type', { subject: { type: 'customer' as 'ticket', id: TICKET } }, /^subject\.type must be one of ticket, visit, sheet, analysis$/],
      ['an empty subject id', { subject: { type: 'ticket', id: '' } }, /^subject\.id must not be empty$/],
      ['an unknown time basis', { timeBasis: 'business' as 'working' }, /^timeBasis must be one of calendar, working$/],
      ['a negative target', { targetMinutes: -1 }, /^targetMinutes must be a number of minutes, 0 or more$/],
      ['an invalid due time', { dueAt: new Date('nope') }, /^dueAt must be a valid date$/],
      ['a warning after the due time', { warnAt: sh('2025-03-03T10:31') }, /^warnAt must not be after dueAt$/],
      ['an unknown urgency', { urgency: 'low' as 'normal' }, /^urgency must be one of urgent, normal$/],
      ['an unknown breach action', { breachAction: 'page' as 'escalate' }, /^breachAction must be one of escalate$/],
    ];
    it.each(INVALID)('refuses %s (400)', (_, fields, reason) => {
      spec.given([]).when(startCommand(fields)).thenRejects('invalid-command', reason);
    });
  });

  it.each([tick('2025-03-03T10:00'), pause('2025-03-03T10:00'), resume('2025-03-03T10:00'), stop('2025-03-03T10:00'), cancel('2025-03-03T10:00')])(
    '$type on a clock that never started is not found',
    (command) => {
      spec
        .given([])
        .when(command)
        .thenRejects('not-found', /has not started/);
    },
  );

  it('a command for another clock is a bug', () => {
    expect(() => decide([started()], { ...tick('2025-03-03T10:05'), clockId: 'ticket:other:first-contact' })).toThrow(/decided on clock/);
  });

  describe('Tick', () => {
    it('does nothing before the warning time', () => {
      spec.given([started()]).when(tick('2025-03-03T10:23')).then([]);
      spec
        .given([started()])
        .when(tick(new Date(sh('2025-03-03T10:24').getTime() - 1)))
        .then([]);
    });

    it('warns at 80% with the exact time left, once', () => {
      spec
        .given([started()])
        .when(tick('2025-03-03T10:24'))
        .then([warned('2025-03-03T10:24', 6)]);
      spec
        .given([started()])
        .when(tick('2025-03-03T10:27'))
        .then([warned('2025-03-03T10:27', 3)]);
      spec
        .given([started(), warned('2025-03-03T10:24', 6)])
        .when(tick('2025-03-03T10:25'))
        .then([]);
      spec
        .given([started(), warned('2025-03-03T10:24', 6)])
        .when(tick('2025-03-03T10:30'))
        .then([]);
    });

    it('breaches strictly after the due time, with the escalation asked for at start, once', () => {
      const history = [started(), warned('2025-03-03T10:24', 6)];
      spec.given(history).when(tick('2025-03-03T10:30')).then([]);
      spec
        .given(history)
        .when(tick('2025-03-03T10:31'))
        .then([breached('2025-03-03T10:31', 1, 'escalate')]);
      spec
        .given([...history, breached('2025-03-03T10:31', 1, 'escalate')])
        .when(tick('2025-03-03T10:32'))
        .then([]);
      spec
        .given([...history, breached('2025-03-03T10:31', 1, 'escalate')])
        .when(tick('2025-03-03T12:00'))
        .then([]);
      const justLate = new Date(sh('2025-03-03T10:30').getTime() + 1);
      spec
        .given(history)
        .when(tick(justLate))
        .then([
          { type: 'support.sla.clock-breached.v1', data: { ...ref, at: justLate.toISOString(), dueAt: iso('2025-03-03T10:30'), lateByMinutes: 1 / 60_000, action: 'escalate' } },
        ]);
    });

    it('breaches without a warning when it first looks after the due time, and never warns after', () => {
      spec
        .given([started()])
        .when(tick('2025-03-03T10:45'))
        .then([breached('2025-03-03T10:45', 15, 'escalate')]);
      expect(fold([started(), breached('2025-03-03T10:45', 15, 'escalate')])).toMatchObject({ status: 'breached', warned: true, breached: true });
    });

    it('breaches without action when none was asked for at start', () => {
      spec
        .given([started({ breachAction: undefined, urgency: 'normal' })])
        .when(tick('2025-03-03T10:31'))
        .then([breached('2025-03-03T10:31', 1)]);
    });

    it('never fires while paused, nor after the clock ended', () => {
      spec
        .given([started(), paused('2025-03-03T10:10', 20)])
        .when(tick('2025-03-03T11:00'))
        .then([]);
      spec
        .given([started(), met('2025-03-03T10:10', true, 20)])
        .when(tick('2025-03-03T11:00'))
        .then([]);
      spec
        .given([started(), cancelled('2025-03-03T10:10', 'support.ticket.cancelled.v1')])
        .when(tick('2025-03-03T11:00'))
        .then([]);
    });

    it('refuses an invalid time', () => {
      spec
        .given([started()])
        .when({ ...tick('2025-03-03T10:00'), at: new Date(Number.NaN) })
        .thenRejects('invalid-command', /^at must be a valid date$/);
    });

    it('never fires twice, whatever the monitor sends (property)', () => {
      const minutes = fc.integer({ min: -10, max: 120 });
      const step = fc.oneof(
        minutes.map((m) => ({ kind: 'tick' as const, m })),
        minutes.map((m) => ({ kind: 'pause' as const, m })),
        minutes.map((m) => ({ kind: 'resume' as const, m })),
      );
      fc.assert(
        fc.property(fc.array(step, { maxLength: 40 }), fc.boolean(), (steps, ordered) => {
          const sequence = ordered ? [...steps].sort((a, b) => a.m - b.m) : steps;
          let state: SlaClockState = foldEvents(slaClockDecider, [started()]);
          const emitted: SlaEvent[] = [];
          for (const { kind, m } of sequence) {
            const at = new Date(sh('2025-03-03T10:00').getTime() + m * 60_000);
            const command: SlaClockCommand =
              kind === 'tick' ? { type: 'Tick', clockId: CLOCK, at, calendar } : { type: kind === 'pause' ? 'PauseClock' : 'ResumeClock', clockId: CLOCK, at, calendar };
            const decision = slaClockDecider.decide(command, state);
            if (!decision.ok) continue;
            for (const event of decision.events) {
              expect(catalogue.validate(event.type, event.data)).toEqual({ ok: true });
              state = slaClockDecider.evolve(state, event);
              emitted.push(event);
            }
          }
          const types = emitted.map((event) => event.type);
          expect(types.filter((type) => type === 'support.sla.clock-warned.v1').length).toBeLessThanOrEqual(1);
          expect(types.filter((type) => type === 'support.sla.clock-breached.v1').length).toBeLessThanOrEqual(1);
          const breachIndex = types.indexOf('support.sla.clock-breached.v1');
          if (breachIndex >= 0) expect(types.slice(breachIndex)).not.toContain('support.sla.clock-warned.v1');
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('PauseClock and ResumeClock', () => {
    it('keeps what is left at the pause, and moves due and warning times by the time paused', () => {
      spec
        .given([started()])
        .when(pause('2025-03-03T10:10'))
        .then([paused('2025-03-03T10:10', 20)]);
      const history = [started(), paused('2025-03-03T10:10', 20)];
      expect(remaining(fold(history), sh('2025-03-03T11:00'), calendar)).toBe(20);
      spec
        .given(history)
        .when(resume('2025-03-03T10:40'))
        .then([resumed('2025-03-03T10:40', '2025-03-03T11:00', '2025-03-03T10:54', 30)]);
      const after = fold([...history, resumed('2025-03-03T10:40', '2025-03-03T11:00', '2025-03-03T10:54', 30)]);
      expect(after).toMatchObject({ status: 'running', dueAt: sh('2025-03-03T11:00'), warnAt: sh('2025-03-03T10:54') });
      expect(after.pausedAt).toBeUndefined();
      expect(remaining(after, sh('2025-03-03T10:45'), calendar)).toBe(15);
    });

    it('a clock paused after its warning time warns at once on resume', () => {
      const history = [started(), paused('2025-03-03T10:26', 4)];
      spec
        .given(history)
        .when(resume('2025-03-03T11:00'))
        .then([resumed('2025-03-03T11:00', '2025-03-03T11:04', '2025-03-03T10:58', 34)]);
    });

    it('a breached clock can pause and resume; it stays breached and late', () => {
      const history = [started(), breached('2025-03-03T10:35', 5, 'escalate'), paused('2025-03-03T10:40', -10)];
      expect(fold(history)).toMatchObject({ status: 'paused', breached: true, remainingAtPause: -10 });
      spec
        .given(history)
        .when(resume('2025-03-03T11:00'))
        .then([resumed('2025-03-03T11:00', '2025-03-03T10:50', '2025-03-03T10:44', 20)]);
      expect(fold([...history, resumed('2025-03-03T11:00', '2025-03-03T10:50', '2025-03-03T10:44', 20)]).status).toBe('breached');
    });

    it('refuses to pause twice, to resume a running clock, and to resume before the pause', () => {
      spec
        .given([started(), paused('2025-03-03T10:10', 20)])
        .when(pause('2025-03-03T10:15'))
        .thenRejects('illegal-transition', /is already paused/);
      spec
        .given([started()])
        .when(resume('2025-03-03T10:15'))
        .thenRejects('illegal-transition', /is not paused/);
      spec
        .given([started(), paused('2025-03-03T10:10', 20)])
        .when(resume('2025-03-03T10:05'))
        .thenRejects('invalid-command', /^at must not be before the pause/);
      spec
        .given([started(), met('2025-03-03T10:10', true, 20)])
        .when(pause('2025-03-03T10:15'))
        .thenRejects('illegal-transition', /is met/);
    });
  });

  describe('StopClock', () => {
    it('met within target, with the time to spare', () => {
      spec
        .given([started()])
        .when(stop('2025-03-03T10:20'))
        .then([met('2025-03-03T10:20', true, 10)]);
      spec
        .given([started(), warned('2025-03-03T10:24', 6)])
        .when(stop('2025-03-03T10:30'))
        .then([met('2025-03-03T10:30', true, 0)]);
      expect(fold([started(), met('2025-03-03T10:20', true, 10)])).toMatchObject({ status: 'met', withinTarget: true, remainingAtEnd: 10, endedAt: sh('2025-03-03T10:20') });
    });

    it('met late after a breach: withinTarget false, no second breach', () => {
      spec
        .given([started(), breached('2025-03-03T10:31', 1, 'escalate')])
        .when(stop('2025-03-03T10:40'))
        .then([met('2025-03-03T10:40', false, -10)]);
    });

    it('met late before any Tick noticed: the breach is recorded first, without escalation', () => {
      spec
        .given([started()])
        .when(stop('2025-03-03T10:40'))
        .then([breached('2025-03-03T10:40', 10), met('2025-03-03T10:40', false, -10)]);
    });

    it('a stop that happened in time but arrived after the breach is within target (the breach stays on record)', () => {
      const history = [started(), breached('2025-03-03T10:31', 1, 'escalate')];
      spec
        .given(history)
        .when(stop('2025-03-03T10:29'))
        .then([met('2025-03-03T10:29', true, 1)]);
      expect(fold([...history, met('2025-03-03T10:29', true, 1)])).toMatchObject({ status: 'met', breached: true, withinTarget: true });
    });

    it('a paused clock is met with what was left at the pause', () => {
      spec
        .given([started(), paused('2025-03-03T10:10', 20)])
        .when(stop('2025-03-03T11:30'))
        .then([met('2025-03-03T11:30', true, 20)]);
      spec
        .given([started(), paused('2025-03-03T10:40', -10)])
        .when(stop('2025-03-03T11:30'))
        .then([breached('2025-03-03T11:30', 10), met('2025-03-03T11:30', false, -10)]);
    });

    it('refuses to stop an ended clock (409)', () => {
      spec
        .given([started(), met('2025-03-03T10:20', true, 10)])
        .when(stop('2025-03-03T10:25'))
        .thenRejects('illegal-transition', /is met/);
      spec
        .given([started(), cancelled('2025-03-03T10:20', 'x')])
        .when(stop('2025-03-03T10:25'))
        .thenRejects('illegal-transition', /is cancelled/);
    });
  });

  describe('CancelClock', () => {
    it('cancels an open clock with a reason', () => {
      spec
        .given([started()])
        .when(cancel('2025-03-03T10:10', ' support.ticket.cancelled.v1 '))
        .then([cancelled('2025-03-03T10:10', 'support.ticket.cancelled.v1')]);
      spec
        .given([started(), breached('2025-03-03T10:31', 1)])
        .when(cancel('2025-03-03T10:40'))
        .then([cancelled('2025-03-03T10:40', 'support.ticket.cancelled.v1')]);
      spec
        .given([started(), paused('2025-03-03T10:10', 20)])
        .when(cancel('2025-03-03T10:40'))
        .then([cancelled('2025-03-03T10:40', 'support.ticket.cancelled.v1')]);
    });

    it('needs a reason, and refuses an ended clock', () => {
      spec
        .given([started()])
        .when(cancel('2025-03-03T10:10', ' '))
        .thenRejects('invalid-command', /^reason must not be empty$/);
      spec
        .given([started(), cancelled('2025-03-03T10:10', 'x')])
        .when(cancel('2025-03-03T10:20'))
        .thenRejects('illegal-transition', /is cancelled/);
    });
  });

  describe('remaining and nextTickAt', () => {
    it('remaining in calendar minutes, negative when overdue, frozen when paused or ended', () => {
      expect(remaining(fold([started()]), sh('2025-03-03T10:12'), calendar)).toBe(18);
      expect(remaining(fold([started()]), sh('2025-03-03T10:30'), calendar)).toBe(0);
      expect(remaining(fold([started(), breached('2025-03-03T10:31', 1)]), sh('2025-03-03T10:45'), calendar)).toBe(-15);
      expect(remaining(fold([started(), paused('2025-03-03T10:10', 20)]), sh('2025-03-03T12:00'), calendar)).toBe(20);
      expect(remaining(fold([started(), met('2025-03-03T10:20', true, 10)]), sh('2025-03-03T12:00'), calendar)).toBe(10);
      expect(remaining(fold([started(), cancelled('2025-03-03T10:25', 'x')]), sh('2025-03-03T12:00'), calendar)).toBe(5);
      expect(remaining(fold([started(), paused('2025-03-03T10:10', 20), cancelled('2025-03-03T10:25', 'x')]), sh('2025-03-03T12:00'), calendar)).toBe(20);
    });

    it('nextTickAt: the warning, then 1 ms after the due time, then nothing', () => {
      expect(nextTickAt(slaClockDecider.initialState())).toBeUndefined();
      expect(nextTickAt(fold([started()]))).toEqual(sh('2025-03-03T10:24'));
      expect(nextTickAt(fold([started(), warned('2025-03-03T10:24', 6)]))).toEqual(new Date(sh('2025-03-03T10:30').getTime() + 1));
      expect(nextTickAt(fold([started(), breached('2025-03-03T10:31', 1)]))).toBeUndefined();
      expect(nextTickAt(fold([started(), paused('2025-03-03T10:10', 20)]))).toBeUndefined();
      expect(nextTickAt(fold([started(), met('2025-03-03T10:20', true, 10)]))).toBeUndefined();
    });
  });

  describe('in working time (case analysis, 3 working days)', () => {
    const wref = { clockId: 'analysis:an-1:case-analysis', ruleId: 'case-analysis', subject: { type: 'analysis' as const, id: 'an-1' } };
    // opened Friday 2025-03-07 16:00: due Wednesday 16:00, warning Wednesday 10:36
    const wstarted: SlaEvent = {
      type: 'support.sla.clock-started.v1',
      data: { ...wref, startedAt: iso('2025-03-07T16:00'), dueAt: iso('2025-03-12T16:00'), warnAt: iso('2025-03-12T10:36'), timeBasis: 'working', targetMinutes: 1620 },
    };
    const wcommand = (type: 'PauseClock' | 'ResumeClock' | 'StopClock' | 'Tick', at: string): SlaClockCommand => ({ type, clockId: wref.clockId, at: sh(at), calendar });

    it('remaining counts working minutes only: nothing passes over the weekend', () => {
      const clock = fold([wstarted]);
      expect(remaining(clock, sh('2025-03-07T17:00'), calendar)).toBe(1560);
      expect(remaining(clock, sh('2025-03-08T12:00'), calendar)).toBe(1500);
      expect(remaining(clock, sh('2025-03-10T09:00'), calendar)).toBe(1500);
      expect(remaining(clock, sh('2025-03-10T10:00'), calendar)).toBe(1440);
      expect(remaining(clock, sh('2025-03-13T09:30'), calendar)).toBe(-150);
    });

    it('pausing over the weekend moves the due time by the working time paused', () => {
      spec
        .given([wstarted])
        .when(wcommand('PauseClock', '2025-03-07T17:00'))
        .then([{ type: 'support.sla.clock-paused.v1', data: { ...wref, at: iso('2025-03-07T17:00'), remainingMinutes: 1560 } }]);
      spec
        .given([wstarted, { type: 'support.sla.clock-paused.v1', data: { ...wref, at: iso('2025-03-07T17:00'), remainingMinutes: 1560 } }])
        .when(wcommand('ResumeClock', '2025-03-10T11:00'))
        .then([
          {
            type: 'support.sla.clock-resumed.v1',
            data: { ...wref, at: iso('2025-03-10T11:00'), dueAt: iso('2025-03-13T10:00'), warnAt: iso('2025-03-12T13:36'), pausedMinutes: 180 },
          },
        ]);
    });

    it('warns and breaches with working minutes', () => {
      spec
        .given([wstarted])
        .when(wcommand('Tick', '2025-03-12T10:36'))
        .then([{ type: 'support.sla.clock-warned.v1', data: { ...wref, at: iso('2025-03-12T10:36'), dueAt: iso('2025-03-12T16:00'), remainingMinutes: 324 } }]);
      spec
        .given([wstarted])
        .when(wcommand('Tick', '2025-03-13T09:30'))
        .then([{ type: 'support.sla.clock-breached.v1', data: { ...wref, at: iso('2025-03-13T09:30'), dueAt: iso('2025-03-12T16:00'), lateByMinutes: 150 } }]);
      // the night does not count: as late at 20:00 as at 18:00
      spec
        .given([wstarted])
        .when(wcommand('Tick', '2025-03-12T20:00'))
        .then([{ type: 'support.sla.clock-breached.v1', data: { ...wref, at: iso('2025-03-12T20:00'), dueAt: iso('2025-03-12T16:00'), lateByMinutes: 120 } }]);
      spec
        .given([wstarted])
        .when(wcommand('StopClock', '2025-03-12T15:00'))
        .then([{ type: 'support.sla.clock-met.v1', data: { ...wref, at: iso('2025-03-12T15:00'), withinTarget: true, remainingMinutes: 60 } }]);
    });
  });

  it('names as ending exactly the events after which a clock is no longer open (a read of open clocks relies on it)', () => {
    const after: SlaEvent[] = [
      paused('2025-03-03T10:05', 25),
      warned('2025-03-03T10:24', 6),
      breached('2025-03-03T10:30', 0),
      met('2025-03-03T10:20', true, 10),
      cancelled('2025-03-03T10:20', 'ticket cancelled'),
    ];
    // every event type a clock's stream can hold after its start is tried (a resume needs a pause: below)
    const others = slaEvents.map((definition) => definition.type).filter((t) => t !== 'support.sla.clock-started.v1' && t !== 'support.sla.clock-resumed.v1');
    expect(new Set(after.map((e) => e.type))).toEqual(new Set(others));
    for (const event of after) expect([event.type, isOpen(fold([started(), event]))]).toEqual([event.type, !CLOCK_ENDING_EVENTS.includes(event.type)]);
    expect(isOpen(fold([started(), paused('2025-03-03T10:05', 25), resumed('2025-03-03T10:10', '2025-03-03T10:35', '2025-03-03T10:29', 5)]))).toBe(true);
  });
});
