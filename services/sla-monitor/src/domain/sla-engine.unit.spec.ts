import { EventCatalogue, eventCatalogue, Urgency } from '@support/contracts';
import { foldEvents } from '@support/decider';
import { BusinessCalendar, DEFAULT_BUSINESS_CALENDAR } from './business-calendar';
import { SlaClockCommand } from './sla-clock.commands';
import { slaClockDecider } from './sla-clock.decider';
import { remaining, SlaClock } from './sla-clock.state';
import { SlaEvent, slaEvents, SlaSubjectType } from '@support/contracts';
import { commandsFor, EarlyStop, earlyStopsOf, KnownClock } from './sla-engine';
import { clockIdOf, DEFAULT_SLA_RULES, SlaRule } from './sla-policy';

// Shanghai local time (UTC+8, no DST); 2025-03-03 is a Monday
const sh = (local: string) => new Date(Date.parse(`${local}:00+08:00`));
const iso = (local: string) => sh(local).toISOString();

const TICKET = '0b6f3f2e-3c41-4e53-9a0b-1c2d3e4f5a6b';
const OTHER_TICKET = '9c8b7a65-4321-4fed-8cba-0987654321ab';
const VISIT = '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b';
const SHEET = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const ANALYSIS = '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d';
const slaCatalogue = new EventCatalogue(slaEvents);

/**
 * The monitor in miniature: incoming events -> commandsFor -> clock decider -> streams; Tick on every
 * clock. It keeps the tickets' urgency as the real one would (from support.ticket.received.v1), and checks
 * every SLA event against the catalogue.
 */
class Monitor {
  readonly streams = new Map<string, SlaEvent[]>();
  readonly published: SlaEvent[] = [];
  private readonly urgencies = new Map<string, Urgency>();
  private readonly earlyStops: EarlyStop[] = [];

  constructor(
    private readonly rules: readonly SlaRule[] = DEFAULT_SLA_RULES,
    readonly calendar: BusinessCalendar = DEFAULT_BUSINESS_CALENDAR,
  ) {}

  /** the events the monitor sees, as a consumer gets them: type, data, envelope time */
  receive(type: string, data: Record<string, unknown>, occurredAt: string): SlaEvent[] {
    if (eventCatalogue.has(type)) expect(eventCatalogue.validate(type, data)).toEqual({ ok: true });
    if (type === 'support.ticket.received.v1') this.urgencies.set(data.ticketId as string, data.urgency as Urgency);
    const urgency = typeof data.ticketId === 'string' ? this.urgencies.get(data.ticketId) : undefined;
    const event = { type, data, occurredAt: sh(occurredAt) };
    const commands = commandsFor(event, this.rules, this.known(), { calendar: this.calendar, urgency, earlyStops: this.earlyStops });
    // as the real one: stops whose clock has not started yet are kept for its start
    this.earlyStops.push(...earlyStopsOf(event, this.rules, this.known()));
    return commands.flatMap((command) => this.execute(command));
  }

  tick(at: string | Date): SlaEvent[] {
    const when = typeof at === 'string' ? sh(at) : at;
    return [...this.streams.keys()].flatMap((clockId) => this.execute({ type: 'Tick', clockId, at: when, calendar: this.calendar }));
  }

  execute(command: SlaClockCommand): SlaEvent[] {
    const stream = this.streams.get(command.clockId) ?? [];
    const decision = slaClockDecider.decide(command, foldEvents(slaClockDecider, stream));
    if (!decision.ok) throw new Error(`${command.type} refused: ${decision.reason}`);
    for (const event of decision.events) expect(slaCatalogue.validate(event.type, event.data)).toEqual({ ok: true });
    this.streams.set(command.clockId, [...stream, ...decision.events]);
    this.published.push(...decision.events);
    return decision.events;
  }

  clock(ruleId: string, subject: SlaSubjectType, id: string): SlaClock {
    const state = foldEvents(slaClockDecider, this.streams.get(clockIdOf(ruleId, { type: subject, id })) ?? []);
    if (!state.started) throw new Error(`no ${ruleId} clock for ${subject} ${id}`);
    return state;
  }

  remaining(ruleId: string, subject: SlaSubjectType, id: string, at: string): number {
    return remaining(this.clock(ruleId, subject, id), sh(at), this.calendar);
  }

  private known(): KnownClock[] {
    return [...this.streams.values()].map((stream) => foldEvents(slaClockDecider, stream)).filter((state): state is SlaClock => state.started);
  }
}

// ticket events as intake publishes them (valid against the catalogue)
const ticket = {
  received: (urgency: Urgency, requestedAt: string, ticketId = TICKET) => ({
    ticketId,
    customerId: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e',
    customer: { name: 'Ms Li' },
    channel: 'wechat',
    deviceModel: 'Sony A7 IV',
    problem: 'no video over HDMI during a live stream',
    urgency,
    requestedAt: iso(requestedAt),
    receivedAt: iso(requestedAt),
  }),
  assigned: (ticketId = TICKET) => ({ ticketId, assignee: { id: 'agent-wang', role: 'agent' }, tier: 'L1' }),
  dispatched: () => ({ ticketId: TICKET, assignee: { id: 'contractor-chen', role: 'contractor' }, scenario: 'router-reset' }),
  contacted: (contactedAt: string) => ({ ticketId: TICKET, channel: 'phone', contactedAt: iso(contactedAt) }),
  quoted: () => ({ ticketId: TICKET, amount: 20000, currency: 'CNY' }),
  quoteAccepted: () => ({ ticketId: TICKET, amount: 20000, currency: 'CNY' }),
  onSiteScheduled: (appointmentAt: string) => ({ ticketId: TICKET, visitId: VISIT, appointmentAt: iso(appointmentAt) }),
  resolved: (remote: boolean) => ({ ticketId: TICKET, resolution: 'reinstalled the capture driver', remote }),
  closed: () => ({ ticketId: TICKET }),
  cancelled: () => ({ ticketId: TICKET, reason: 'the customer withdrew the request' }),
};
// field-service's events as it publishes them (complete: the monitor checks each against the catalogue)
const visit = {
  scheduled: (appointmentAt: string) => ({
    visitId: VISIT,
    ticketId: TICKET,
    technician: { id: 'tech-1', role: 'agent' },
    window: { start: iso(appointmentAt), end: iso(appointmentAt) },
    appointmentAt: iso(appointmentAt),
    address: '上海市徐汇区',
  }),
  prepared: () => ({
    visitId: VISIT,
    ticketId: TICKET,
    checklist: { tools: ['螺丝刀'], spareParts: [], addressConfirmed: true, deviceStateConfirmed: true, deviceState: '无法开机' },
    preparedAt: iso('2025-03-03T10:00'),
    appointmentAt: iso('2025-03-04T14:00'),
  }),
  completed: () => ({ visitId: VISIT, ticketId: TICKET, completedAt: iso('2025-03-03T15:00'), workDone: '更换电源', customerTested: true, usageNotes: '注意防潮' }),
};
const SHEET_CONTENTS = {
  customer: { name: '王女士', contact: '+86 138 0013 8000' },
  device: 'Dell XPS 15',
  problem: '开机蓝屏',
  diagnosis: '驱动冲突',
  workDone: '回退驱动',
  partsUsed: [],
  timeSpentMinutes: 20,
  result: 'fixed',
};
const sheetSubmitted = (visitId?: string) => ({
  sheetId: SHEET,
  ticketId: TICKET,
  ...(visitId ? { visitId } : {}),
  kind: visitId ? 'on-site' : 'remote',
  contents: SHEET_CONTENTS,
  submittedAt: iso('2025-03-03T10:07'),
});

const analysisOpened = (at: string) => ({
  analysisId: ANALYSIS,
  ticketId: TICKET,
  reason: 'new-scenario',
  scenarioId: 'hdmi-handshake',
  faultCategory: 'video',
  openedAt: iso(at),
});

const types = (events: readonly SlaEvent[]) => events.map((event) => event.type.replace(/^support\.sla\.(.*)\.v1$/, '$1'));
const dataOf = (events: readonly SlaEvent[], index = 0) => events[index].data as unknown as Record<string, unknown>;

describe('SLA engine with the default rules', () => {
  describe("hand-over: 15 minutes from the customer's request to an assignment", () => {
    // the customer asked at 10:00, the desk registered it at 10:03: due 10:15, warning 10:12
    const receive = (monitor: Monitor) => monitor.receive('support.ticket.received.v1', ticket.received('normal', '2025-03-03T10:00'), '2025-03-03T10:03');

    it('starts from the request, not from the registration', () => {
      const monitor = new Monitor();
      const events = receive(monitor);
      expect(types(events)).toEqual(['clock-started']);
      expect(dataOf(events)).toMatchObject({
        ruleId: 'hand-over',
        startedAt: iso('2025-03-03T10:00'),
        dueAt: iso('2025-03-03T10:15'),
        warnAt: iso('2025-03-03T10:12'),
        targetMinutes: 15,
      });
      expect(monitor.remaining('hand-over', 'ticket', TICKET, '2025-03-03T10:03')).toBe(12);
    });

    it('met: assigned at 10:10 with 5 minutes to spare', () => {
      const monitor = new Monitor();
      receive(monitor);
      const events = monitor.receive('support.ticket.assigned.v1', ticket.assigned(), '2025-03-03T10:10');
      expect(types(events)).toEqual(['clock-met', 'clock-started']); // and first contact starts
      expect(dataOf(events)).toMatchObject({ ruleId: 'hand-over', withinTarget: true, remainingMinutes: 5 });
    });

    it('warned at 10:12 with 3 minutes left, once', () => {
      const monitor = new Monitor();
      receive(monitor);
      expect(monitor.tick('2025-03-03T10:11')).toEqual([]);
      const events = monitor.tick('2025-03-03T10:12');
      expect(types(events)).toEqual(['clock-warned']);
      expect(dataOf(events)).toMatchObject({ remainingMinutes: 3, dueAt: iso('2025-03-03T10:15') });
      expect(monitor.tick('2025-03-03T10:13')).toEqual([]);
    });

    it('breached at the first tick after 10:15, once; met late afterwards', () => {
      const monitor = new Monitor();
      receive(monitor);
      monitor.tick('2025-03-03T10:12');
      expect(monitor.tick('2025-03-03T10:15')).toEqual([]);
      const events = monitor.tick('2025-03-03T10:16');
      expect(types(events)).toEqual(['clock-breached']);
      expect(dataOf(events)).toMatchObject({ lateByMinutes: 1 });
      expect(dataOf(events).action).toBeUndefined();
      expect(monitor.tick('2025-03-03T10:17')).toEqual([]);
      expect(monitor.remaining('hand-over', 'ticket', TICKET, '2025-03-03T10:18')).toBe(-3);
      const late = monitor.receive('support.ticket.assigned.v1', ticket.assigned(), '2025-03-03T10:18');
      expect(dataOf(late)).toMatchObject({ ruleId: 'hand-over', withinTarget: false, remainingMinutes: -3 });
    });

    it('a request registered after its hand-over time breaches at the first tick', () => {
      const monitor = new Monitor();
      monitor.receive('support.ticket.received.v1', ticket.received('normal', '2025-03-03T09:40'), '2025-03-03T10:00');
      expect(monitor.remaining('hand-over', 'ticket', TICKET, '2025-03-03T10:00')).toBe(-5);
      expect(dataOf(monitor.tick('2025-03-03T10:00'))).toMatchObject({ lateByMinutes: 5 });
    });

    it('paused and resumed: 20 minutes paused at 10:05 move the due time to 10:35', () => {
      const monitor = new Monitor();
      receive(monitor);
      const id = clockIdOf('hand-over', { type: 'ticket', id: TICKET });
      monitor.execute({ type: 'PauseClock', clockId: id, at: sh('2025-03-03T10:05'), calendar: monitor.calendar });
      expect(monitor.remaining('hand-over', 'ticket', TICKET, '2025-03-03T10:20')).toBe(10);
      expect(monitor.tick('2025-03-03T10:20')).toEqual([]);
      const resumed = monitor.execute({ type: 'ResumeClock', clockId: id, at: sh('2025-03-03T10:25'), calendar: monitor.calendar });
      expect(dataOf(resumed)).toMatchObject({ dueAt: iso('2025-03-03T10:35'), warnAt: iso('2025-03-03T10:32'), pausedMinutes: 20 });
      expect(monitor.remaining('hand-over', 'ticket', TICKET, '2025-03-03T10:30')).toBe(5);
      expect(types(monitor.tick('2025-03-03T10:32'))).toEqual(['clock-warned']);
    });

    it('cancelled when the ticket is cancelled', () => {
      const monitor = new Monitor();
      receive(monitor);
      const events = monitor.receive('support.ticket.cancelled.v1', ticket.cancelled(), '2025-03-03T10:05');
      expect(types(events)).toEqual(['clock-cancelled']);
      expect(dataOf(events)).toMatchObject({ reason: 'support.ticket.cancelled.v1' });
      expect(monitor.tick('2025-03-03T11:00')).toEqual([]);
    });
  });

  describe('first contact: 30 minutes (urgent) or 1 hour (normal) from assignment', () => {
    const assign = (urgency: Urgency) => {
      const monitor = new Monitor();
      monitor.receive('support.ticket.received.v1', ticket.received(urgency, '2025-03-03T09:55'), '2025-03-03T09:55');
      monitor.receive('support.ticket.assigned.v1', ticket.assigned(), '2025-03-03T10:00');
      return monitor;
    };

    it('urgent: due 10:30, warning 10:24; escalation asked for on breach', () => {
      const monitor = assign('urgent');
      expect(monitor.clock('first-contact', 'ticket', TICKET)).toMatchObject({
        urgency: 'urgent',
        dueAt: sh('2025-03-03T10:30'),
        warnAt: sh('2025-03-03T10:24'),
        breachAction: 'escalate',
      });
    });

    it('met: contacted at 10:20 (recorded at 10:22) with 10 minutes to spare, then the remote attempt starts', () => {
      const monitor = assign('urgent');
      const events = monitor.receive('support.ticket.contacted.v1', ticket.contacted('2025-03-03T10:20'), '2025-03-03T10:22');
      expect(types(events)).toEqual(['clock-met', 'clock-started']);
      expect(dataOf(events, 0)).toMatchObject({ ruleId: 'first-contact', at: iso('2025-03-03T10:20'), withinTarget: true, remainingMinutes: 10 });
      expect(dataOf(events, 1)).toMatchObject({ ruleId: 'remote-attempt', startedAt: iso('2025-03-03T10:20'), dueAt: iso('2025-03-03T10:50') });
    });

    it('warned at 10:24 with 6 minutes left', () => {
      const monitor = assign('urgent');
      monitor.tick('2025-03-03T10:12'); // the hand-over clock was met already; nothing fires
      const events = monitor.tick('2025-03-03T10:24');
      expect(types(events)).toEqual(['clock-warned']);
      expect(dataOf(events)).toMatchObject({ ruleId: 'first-contact', remainingMinutes: 6 });
    });

    it('an urgent ticket nobody contacts: warning, then breach with escalation, exactly once each', () => {
      const monitor = assign('urgent');
      const fired = ['2025-03-03T10:24', '2025-03-03T10:25', '2025-03-03T10:30', '2025-03-03T10:31', '2025-03-03T10:32', '2025-03-03T11:00'].flatMap((at) => monitor.tick(at));
      expect(types(fired)).toEqual(['clock-warned', 'clock-breached']);
      expect(dataOf(fired, 1)).toMatchObject({ ruleId: 'first-contact', ticketId: TICKET, lateByMinutes: 1, action: 'escalate' });
    });

    it('normal: due 11:00, warning 10:48, breach without escalation', () => {
      const monitor = assign('normal');
      expect(monitor.remaining('first-contact', 'ticket', TICKET, '2025-03-03T10:15')).toBe(45);
      expect(dataOf(monitor.tick('2025-03-03T10:48'))).toMatchObject({ remainingMinutes: 12 });
      const breach = monitor.tick('2025-03-03T11:05');
      expect(dataOf(breach)).toMatchObject({ lateByMinutes: 5 });
      expect(dataOf(breach).action).toBeUndefined();
    });

    it('an unknown urgency gets the stricter 30 minutes, and no escalation', () => {
      const monitor = new Monitor();
      monitor.receive('support.ticket.assigned.v1', ticket.assigned(), '2025-03-03T10:00');
      expect(monitor.clock('first-contact', 'ticket', TICKET)).toMatchObject({ dueAt: sh('2025-03-03T10:30'), targetMinutes: 30 });
      expect(monitor.clock('first-contact', 'ticket', TICKET).breachAction).toBeUndefined();
    });

    it('a dispatch to a contractor starts it too; a reassignment does not restart it', () => {
      const monitor = new Monitor();
      monitor.receive('support.ticket.received.v1', ticket.received('normal', '2025-03-03T09:55'), '2025-03-03T09:55');
      monitor.receive('support.ticket.dispatched-to-contractor.v1', ticket.dispatched(), '2025-03-03T10:00');
      expect(monitor.clock('first-contact', 'ticket', TICKET).dueAt).toEqual(sh('2025-03-03T11:00'));
      expect(monitor.receive('support.ticket.assigned.v1', ticket.assigned(), '2025-03-03T10:20')).toEqual([]);
      expect(monitor.clock('first-contact', 'ticket', TICKET).dueAt).toEqual(sh('2025-03-03T11:00'));
    });

    it('paused and resumed: paused 10:10-10:40 with 20 minutes left, due 11:00', () => {
      const monitor = assign('urgent');
      const id = clockIdOf('first-contact', { type: 'ticket', id: TICKET });
      monitor.execute({ type: 'PauseClock', clockId: id, at: sh('2025-03-03T10:10'), calendar: monitor.calendar });
      expect(monitor.tick('2025-03-03T10:35')).toEqual([]);
      monitor.execute({ type: 'ResumeClock', clockId: id, at: sh('2025-03-03T10:40'), calendar: monitor.calendar });
      expect(monitor.clock('first-contact', 'ticket', TICKET)).toMatchObject({ dueAt: sh('2025-03-03T11:00'), warnAt: sh('2025-03-03T10:54') });
      expect(monitor.remaining('first-contact', 'ticket', TICKET, '2025-03-03T10:45')).toBe(15);
      expect(types(monitor.tick('2025-03-03T11:01'))).toEqual(['clock-breached']);
    });

    it('a closed or cancelled ticket needs no contact', () => {
      const monitor = assign('urgent');
      expect(types(monitor.receive('support.ticket.closed.v1', ticket.closed(), '2025-03-03T10:05'))).toEqual(['clock-cancelled']);
      expect(monitor.tick('2025-03-03T11:00')).toEqual([]);
    });
  });

  describe('remote attempt: fixed or a visit booked within 30 minutes of contact; a pending quote pauses it', () => {
    const contact = () => {
      const monitor = new Monitor();
      monitor.receive('support.ticket.received.v1', ticket.received('normal', '2025-03-03T09:40'), '2025-03-03T09:40');
      monitor.receive('support.ticket.assigned.v1', ticket.assigned(), '2025-03-03T09:45');
      monitor.receive('support.ticket.contacted.v1', ticket.contacted('2025-03-03T10:00'), '2025-03-03T10:00');
      return monitor;
    };

    it('met: resolved remotely at 10:25 with 5 minutes to spare; the sheet clock starts', () => {
      const monitor = contact();
      expect(monitor.clock('remote-attempt', 'ticket', TICKET)).toMatchObject({ dueAt: sh('2025-03-03T10:30'), warnAt: sh('2025-03-03T10:24') });
      const events = monitor.receive('support.ticket.resolved.v1', ticket.resolved(true), '2025-03-03T10:25');
      expect(types(events)).toEqual(['clock-met', 'clock-started']);
      expect(dataOf(events, 0)).toMatchObject({ ruleId: 'remote-attempt', withinTarget: true, remainingMinutes: 5 });
      expect(dataOf(events, 1)).toMatchObject({ ruleId: 'remote-fix-sheet' });
    });

    it('met: an on-site visit booked at 10:20', () => {
      const monitor = contact();
      const events = monitor.receive('support.ticket.on-site-scheduled.v1', ticket.onSiteScheduled('2025-03-04T14:00'), '2025-03-03T10:20');
      expect(types(events)).toEqual(['clock-met', 'clock-started']);
      expect(dataOf(events, 0)).toMatchObject({ ruleId: 'remote-attempt', remainingMinutes: 10 });
      expect(dataOf(events, 1)).toMatchObject({ ruleId: 'on-site-preparation', subject: { type: 'visit', id: VISIT } });
    });

    it('warned at 10:24 with 6 left; breached at 10:31 by 1', () => {
      const monitor = contact();
      expect(dataOf(monitor.tick('2025-03-03T10:24'))).toMatchObject({ ruleId: 'remote-attempt', remainingMinutes: 6 });
      expect(dataOf(monitor.tick('2025-03-03T10:31'))).toMatchObject({ ruleId: 'remote-attempt', lateByMinutes: 1 });
    });

    it('paused while the customer weighs a quote (10:10-10:40), then met at 10:50 with 10 minutes to spare', () => {
      const monitor = contact();
      expect(types(monitor.receive('support.ticket.quoted.v1', ticket.quoted(), '2025-03-03T10:10'))).toEqual(['clock-paused']);
      expect(monitor.receive('support.ticket.quoted.v1', ticket.quoted(), '2025-03-03T10:15')).toEqual([]); // a new quote: still paused
      expect(monitor.remaining('remote-attempt', 'ticket', TICKET, '2025-03-03T10:35')).toBe(20);
      expect(monitor.tick('2025-03-03T10:35')).toEqual([]);
      const resumed = monitor.receive('support.ticket.quote-accepted.v1', ticket.quoteAccepted(), '2025-03-03T10:40');
      expect(dataOf(resumed)).toMatchObject({ dueAt: iso('2025-03-03T11:00'), warnAt: iso('2025-03-03T10:54'), pausedMinutes: 30 });
      expect(dataOf(monitor.tick('2025-03-03T10:54'))).toMatchObject({ remainingMinutes: 6 });
      const events = monitor.receive('support.ticket.resolved.v1', ticket.resolved(true), '2025-03-03T10:56');
      expect(dataOf(events)).toMatchObject({ ruleId: 'remote-attempt', withinTarget: true, remainingMinutes: 4 });
    });

    it('a fix that is not remote does not stop it', () => {
      const monitor = contact();
      const events = monitor.receive('support.ticket.resolved.v1', ticket.resolved(false), '2025-03-03T10:20');
      expect(events).toEqual([]);
    });
  });

  describe('remote-fix sheet: the service sheet within 10 minutes of a remote fix', () => {
    const fix = () => {
      const monitor = new Monitor();
      monitor.receive('support.ticket.resolved.v1', ticket.resolved(true), '2025-03-03T10:00');
      return monitor;
    };

    it('met: sheet submitted at 10:07 with 3 minutes to spare', () => {
      const monitor = fix();
      expect(monitor.clock('remote-fix-sheet', 'ticket', TICKET)).toMatchObject({ dueAt: sh('2025-03-03T10:10'), warnAt: sh('2025-03-03T10:08') });
      const events = monitor.receive('support.sheet.submitted.v1', sheetSubmitted(), '2025-03-03T10:07');
      expect(types(events)).toEqual(['clock-met']);
      expect(dataOf(events)).toMatchObject({ withinTarget: true, remainingMinutes: 3 });
    });

    it('met when the sheet came before the fix reached the monitor: started and stopped at once, never breached', () => {
      const monitor = new Monitor();
      // the sheet (field-service's topic) is written at 09:58, the resolution (intake's topic) posted at 10:00
      expect(monitor.receive('support.sheet.submitted.v1', sheetSubmitted(), '2025-03-03T09:58')).toEqual([]);
      monitor.receive('support.ticket.resolved.v1', ticket.resolved(true), '2025-03-03T10:00');
      expect(monitor.clock('remote-fix-sheet', 'ticket', TICKET)).toMatchObject({
        status: 'met',
        startedAt: sh('2025-03-03T10:00'),
        endedAt: sh('2025-03-03T10:00'),
        withinTarget: true,
      });
      expect(types(monitor.tick('2025-03-03T10:30')).filter((t) => t === 'clock-breached')).toEqual([]);
    });

    it('a sheet from long before the fix (an earlier service) does not meet it', () => {
      const monitor = new Monitor();
      monitor.receive('support.sheet.submitted.v1', sheetSubmitted(), '2025-03-03T09:00');
      monitor.receive('support.ticket.resolved.v1', ticket.resolved(true), '2025-03-03T10:00');
      expect(monitor.clock('remote-fix-sheet', 'ticket', TICKET)).toMatchObject({ status: 'running' });
      expect(dataOf(monitor.tick('2025-03-03T10:11'))).toMatchObject({ lateByMinutes: 1 });
    });

    it('warned at 10:08 with 2 left; breached at 10:11 by 1; met late at 10:20', () => {
      const monitor = fix();
      expect(dataOf(monitor.tick('2025-03-03T10:08'))).toMatchObject({ remainingMinutes: 2 });
      expect(dataOf(monitor.tick('2025-03-03T10:11'))).toMatchObject({ lateByMinutes: 1 });
      expect(dataOf(monitor.receive('support.sheet.submitted.v1', sheetSubmitted(), '2025-03-03T10:20'))).toMatchObject({ withinTarget: false, remainingMinutes: -10 });
    });

    it('paused and resumed: paused 10:05-10:35 with 5 left, due 10:40', () => {
      const monitor = fix();
      const id = clockIdOf('remote-fix-sheet', { type: 'ticket', id: TICKET });
      monitor.execute({ type: 'PauseClock', clockId: id, at: sh('2025-03-03T10:05'), calendar: monitor.calendar });
      monitor.execute({ type: 'ResumeClock', clockId: id, at: sh('2025-03-03T10:35'), calendar: monitor.calendar });
      expect(monitor.clock('remote-fix-sheet', 'ticket', TICKET)).toMatchObject({ dueAt: sh('2025-03-03T10:40'), warnAt: sh('2025-03-03T10:38') });
      expect(monitor.remaining('remote-fix-sheet', 'ticket', TICKET, '2025-03-03T10:36')).toBe(4);
    });

    it('closing the ticket does not excuse the sheet; cancelling it does', () => {
      const monitor = fix();
      expect(monitor.receive('support.ticket.closed.v1', ticket.closed(), '2025-03-03T10:02')).toEqual([]);
      expect(types(monitor.receive('support.ticket.cancelled.v1', ticket.cancelled(), '2025-03-03T10:03'))).toEqual(['clock-cancelled']);
    });
  });

  describe('on-site sheet: submitted within 2 hours of the end of the service', () => {
    const complete = () => {
      const monitor = new Monitor();
      monitor.receive('support.visit.completed.v1', visit.completed(), '2025-03-03T15:00');
      return monitor;
    };

    it("met: the visit's sheet submitted at 16:00 with 60 minutes to spare", () => {
      const monitor = complete();
      expect(monitor.clock('on-site-sheet', 'visit', VISIT)).toMatchObject({ ticketId: TICKET, dueAt: sh('2025-03-03T17:00'), warnAt: sh('2025-03-03T16:36') });
      const events = monitor.receive('support.sheet.submitted.v1', sheetSubmitted(VISIT), '2025-03-03T16:00');
      expect(types(events)).toEqual(['clock-met']);
      expect(dataOf(events)).toMatchObject({ ruleId: 'on-site-sheet', remainingMinutes: 60 });
    });

    it('a sheet of no visit does not stop it', () => {
      const monitor = complete();
      expect(monitor.receive('support.sheet.submitted.v1', sheetSubmitted(), '2025-03-03T16:00')).toEqual([]);
    });

    it('warned at 16:36 with 24 left; breached at 17:01 by 1', () => {
      const monitor = complete();
      expect(dataOf(monitor.tick('2025-03-03T16:36'))).toMatchObject({ remainingMinutes: 24 });
      expect(dataOf(monitor.tick('2025-03-03T17:01'))).toMatchObject({ lateByMinutes: 1 });
    });

    it('paused and resumed: paused 15:30-16:00 with 90 left, due 17:30', () => {
      const monitor = complete();
      const id = clockIdOf('on-site-sheet', { type: 'visit', id: VISIT });
      monitor.execute({ type: 'PauseClock', clockId: id, at: sh('2025-03-03T15:30'), calendar: monitor.calendar });
      monitor.execute({ type: 'ResumeClock', clockId: id, at: sh('2025-03-03T16:00'), calendar: monitor.calendar });
      expect(monitor.clock('on-site-sheet', 'visit', VISIT)).toMatchObject({ dueAt: sh('2025-03-03T17:30'), warnAt: sh('2025-03-03T17:06') });
      expect(monitor.remaining('on-site-sheet', 'visit', VISIT, '2025-03-03T17:00')).toBe(30);
    });
  });

  describe('on-site preparation: confirmed 1 hour before the appointment', () => {
    // booked Monday 10:00 for Tuesday 14:00: due Tuesday 13:00, 27 hours away; warning after 80% (21h36m) at 07:36
    const book = () => {
      const monitor = new Monitor();
      monitor.receive('support.ticket.on-site-scheduled.v1', ticket.onSiteScheduled('2025-03-04T14:00'), '2025-03-03T10:00');
      return monitor;
    };

    it('is due an hour before the appointment', () => {
      expect(book().clock('on-site-preparation', 'visit', VISIT)).toMatchObject({
        ticketId: TICKET,
        startedAt: sh('2025-03-03T10:00'),
        dueAt: sh('2025-03-04T13:00'),
        warnAt: sh('2025-03-04T07:36'),
        targetMinutes: 1620,
      });
    });

    it("field-service's own booking event does not start a second clock", () => {
      const monitor = book();
      expect(monitor.receive('support.visit.scheduled.v1', visit.scheduled('2025-03-04T14:00'), '2025-03-03T10:00')).toEqual([]);
    });

    it('met: prepared at 12:00 the next day with 60 minutes to spare', () => {
      const monitor = book();
      const events = monitor.receive('support.visit.prepared.v1', visit.prepared(), '2025-03-04T12:00');
      expect(dataOf(events)).toMatchObject({ ruleId: 'on-site-preparation', withinTarget: true, remainingMinutes: 60 });
    });

    it('warned at 07:36 with 324 minutes left; breached at 13:05 by 5', () => {
      const monitor = book();
      expect(monitor.tick('2025-03-04T07:35')).toEqual([]);
      expect(dataOf(monitor.tick('2025-03-04T07:36'))).toMatchObject({ remainingMinutes: 324 });
      expect(monitor.tick('2025-03-04T13:00')).toEqual([]);
      expect(dataOf(monitor.tick('2025-03-04T13:05'))).toMatchObject({ lateByMinutes: 5 });
    });

    it('paused and resumed: paused Monday 18:00 to Tuesday 08:00 (14 h), due Wednesday 03:00 calendar time', () => {
      const monitor = book();
      const id = clockIdOf('on-site-preparation', { type: 'visit', id: VISIT });
      monitor.execute({ type: 'PauseClock', clockId: id, at: sh('2025-03-03T18:00'), calendar: monitor.calendar });
      expect(monitor.remaining('on-site-preparation', 'visit', VISIT, '2025-03-04T07:00')).toBe(19 * 60);
      monitor.execute({ type: 'ResumeClock', clockId: id, at: sh('2025-03-04T08:00'), calendar: monitor.calendar });
      expect(monitor.clock('on-site-preparation', 'visit', VISIT)).toMatchObject({ dueAt: sh('2025-03-05T03:00'), warnAt: sh('2025-03-04T21:36') });
    });

    it('a visit booked at short notice breaches at the first tick, without a warning', () => {
      const monitor = new Monitor();
      monitor.receive('support.visit.scheduled.v1', visit.scheduled('2025-03-03T10:30'), '2025-03-03T10:00');
      expect(monitor.clock('on-site-preparation', 'visit', VISIT)).toMatchObject({ dueAt: sh('2025-03-03T09:30'), targetMinutes: 0 });
      const events = monitor.tick('2025-03-03T10:00');
      expect(types(events)).toEqual(['clock-breached']);
      expect(dataOf(events)).toMatchObject({ lateByMinutes: 30 });
    });

    it("a cancelled ticket cancels its visit's clocks (by ticketId), and only those", () => {
      const monitor = book();
      monitor.receive('support.ticket.received.v1', ticket.received('normal', '2025-03-03T10:00', OTHER_TICKET), '2025-03-03T10:00');
      const events = monitor.receive('support.ticket.cancelled.v1', ticket.cancelled(), '2025-03-03T11:00');
      expect(types(events)).toEqual(['clock-cancelled']);
      expect(dataOf(events)).toMatchObject({ ruleId: 'on-site-preparation', subject: { type: 'visit', id: VISIT } });
      expect(monitor.clock('hand-over', 'ticket', OTHER_TICKET).status).toBe('running');
    });
  });

  describe('case analysis: 3 working days (Asia/Shanghai, Mon-Fri 09:00-18:00)', () => {
    const open = (at: string, calendar?: BusinessCalendar) => {
      const monitor = new Monitor(DEFAULT_SLA_RULES, calendar);
      monitor.receive('support.case.analysis-opened.v1', analysisOpened(at), at);
      return monitor;
    };

    it('opened Friday 16:00: due Wednesday 16:00, warning Wednesday 10:36; the weekend does not count', () => {
      const monitor = open('2025-03-07T16:00');
      expect(monitor.clock('case-analysis', 'analysis', ANALYSIS)).toMatchObject({ dueAt: sh('2025-03-12T16:00'), warnAt: sh('2025-03-12T10:36'), timeBasis: 'working' });
      expect(monitor.remaining('case-analysis', 'analysis', ANALYSIS, '2025-03-07T18:00')).toBe(1500);
      expect(monitor.remaining('case-analysis', 'analysis', ANALYSIS, '2025-03-09T23:00')).toBe(1500);
      expect(monitor.remaining('case-analysis', 'analysis', ANALYSIS, '2025-03-10T10:00')).toBe(1440);
    });

    it('met: closed Wednesday 15:00 with 60 working minutes to spare', () => {
      const monitor = open('2025-03-07T16:00');
      const events = monitor.receive(
        'support.case.analysis-closed.v1',
        { analysisId: ANALYSIS, ticketId: TICKET, conclusion: 'HDMI handshake: new SOP', closedAt: iso('2025-03-12T15:00') },
        '2025-03-12T15:00',
      );
      expect(dataOf(events)).toMatchObject({ withinTarget: true, remainingMinutes: 60 });
    });

    it('warned Wednesday 10:36 with 324 left; breached Thursday 09:30 by 150 working minutes', () => {
      const monitor = open('2025-03-07T16:00');
      expect(monitor.tick('2025-03-11T18:00')).toEqual([]);
      expect(dataOf(monitor.tick('2025-03-12T10:36'))).toMatchObject({ remainingMinutes: 324 });
      expect(dataOf(monitor.tick('2025-03-13T09:30'))).toMatchObject({ lateByMinutes: 150 });
    });

    it('a holiday on Monday moves the due time to Thursday 16:00', () => {
      const monitor = open('2025-03-07T16:00', { ...DEFAULT_BUSINESS_CALENDAR, holidays: ['2025-03-10'] });
      expect(monitor.clock('case-analysis', 'analysis', ANALYSIS).dueAt).toEqual(sh('2025-03-13T16:00'));
      expect(monitor.remaining('case-analysis', 'analysis', ANALYSIS, '2025-03-10T12:00')).toBe(1500);
    });

    it('paused Friday 17:00 to Monday 11:00 (180 working minutes): due Thursday 10:00', () => {
      const monitor = open('2025-03-07T16:00');
      const id = clockIdOf('case-analysis', { type: 'analysis', id: ANALYSIS });
      monitor.execute({ type: 'PauseClock', clockId: id, at: sh('2025-03-07T17:00'), calendar: monitor.calendar });
      expect(monitor.remaining('case-analysis', 'analysis', ANALYSIS, '2025-03-10T10:00')).toBe(1560);
      const resumed = monitor.execute({ type: 'ResumeClock', clockId: id, at: sh('2025-03-10T11:00'), calendar: monitor.calendar });
      expect(dataOf(resumed)).toMatchObject({ dueAt: iso('2025-03-13T10:00'), warnAt: iso('2025-03-12T13:36'), pausedMinutes: 180 });
    });

    it('opened just after midnight Shanghai time (16:30 UTC on Sunday) counts from Monday 09:00 local', () => {
      const monitor = new Monitor();
      monitor.receive('support.case.analysis-opened.v1', analysisOpened('2025-03-10T00:30'), '2025-03-10T00:30'); // Monday 00:30 local
      const clock = monitor.clock('case-analysis', 'analysis', ANALYSIS);
      expect(clock.startedAt).toEqual(new Date('2025-03-09T16:30:00Z'));
      expect(clock.dueAt).toEqual(new Date('2025-03-12T10:00:00Z')); // Wednesday 18:00 local
      expect(monitor.remaining('case-analysis', 'analysis', ANALYSIS, '2025-03-10T09:00')).toBe(1620);
    });
  });

  describe('commandsFor', () => {
    it("ignores events no rule knows, and events without the subject's id", () => {
      expect(commandsFor({ type: 'support.member.went-on-duty.v1', data: { memberId: 'agent-wang' }, occurredAt: sh('2025-03-03T10:00') }, DEFAULT_SLA_RULES, [])).toEqual([]);
      expect(commandsFor({ type: 'support.visit.completed.v1', data: { ticketId: TICKET }, occurredAt: sh('2025-03-03T10:00') }, DEFAULT_SLA_RULES, [])).toEqual([]);
      expect(commandsFor({ type: 'support.ticket.received.v1', data: null, occurredAt: sh('2025-03-03T10:00') }, DEFAULT_SLA_RULES, [])).toEqual([]);
    });

    it('starts with the calendar of the context and the urgency of the event or of the context', () => {
      const commands = commandsFor({ type: 'support.ticket.assigned.v1', data: ticket.assigned(), occurredAt: '2025-03-03T02:00:00.000Z' }, DEFAULT_SLA_RULES, [], {
        urgency: 'normal',
      });
      expect(commands).toEqual([
        {
          type: 'StartClock',
          clockId: `ticket:${TICKET}:first-contact`,
          at: sh('2025-03-03T10:00'),
          ruleId: 'first-contact',
          subject: { type: 'ticket', id: TICKET },
          ticketId: TICKET,
          timeBasis: 'calendar',
          startedAt: sh('2025-03-03T10:00'),
          dueAt: sh('2025-03-03T11:00'),
          warnAt: sh('2025-03-03T10:48'),
          targetMinutes: 60,
          urgency: 'normal',
        },
      ]);
      const stated = commandsFor(
        { type: 'support.ticket.assigned.v1', data: { ...ticket.assigned(), urgency: 'urgent' }, occurredAt: sh('2025-03-03T10:00') },
        DEFAULT_SLA_RULES,
        [],
        { urgency: 'normal' },
      );
      expect(stated[0]).toMatchObject({ urgency: 'urgent', targetMinutes: 30, breachAction: 'escalate' });
    });

    it('starts nothing for a subject whose clock of that rule has ended', () => {
      const ended: KnownClock = { clockId: `ticket:${TICKET}:first-contact`, ruleId: 'first-contact', subject: { type: 'ticket', id: TICKET }, ticketId: TICKET, status: 'met' };
      expect(commandsFor({ type: 'support.ticket.assigned.v1', data: ticket.assigned(), occurredAt: sh('2025-03-03T10:00') }, DEFAULT_SLA_RULES, [ended])).toEqual([]);
    });

    it('cancel wins over stop when an event is both', () => {
      const rules: SlaRule[] = [
        {
          id: 'odd',
          name: 'odd',
          subject: 'ticket',
          start: [{ type: 'support.ticket.received.v1' }],
          stop: [{ type: 'support.ticket.closed.v1', where: { note: 'done' } }],
          cancel: [{ type: 'support.ticket.closed.v1' }],
          targetMinutes: 10,
          timeBasis: 'calendar',
          warnAtPercent: 80,
        },
      ];
      const open: KnownClock = { clockId: `ticket:${TICKET}:odd`, ruleId: 'odd', subject: { type: 'ticket', id: TICKET }, ticketId: TICKET, status: 'running' };
      expect(commandsFor({ type: 'support.ticket.closed.v1', data: { ticketId: TICKET, note: 'done' }, occurredAt: sh('2025-03-03T10:00') }, rules, [open])).toEqual([
        { type: 'CancelClock', clockId: open.clockId, at: sh('2025-03-03T10:00'), reason: 'support.ticket.closed.v1' },
      ]);
    });

    it('resumes only a paused clock and pauses only a running one', () => {
      const remote = (status: KnownClock['status']): KnownClock => ({
        clockId: `ticket:${TICKET}:remote-attempt`,
        ruleId: 'remote-attempt',
        subject: { type: 'ticket', id: TICKET },
        ticketId: TICKET,
        status,
      });
      const at = sh('2025-03-03T10:00');
      expect(commandsFor({ type: 'support.ticket.quote-accepted.v1', data: ticket.quoteAccepted(), occurredAt: at }, DEFAULT_SLA_RULES, [remote('running')])).toEqual([]);
      expect(commandsFor({ type: 'support.ticket.quoted.v1', data: ticket.quoted(), occurredAt: at }, DEFAULT_SLA_RULES, [remote('paused')])).toEqual([]);
      expect(commandsFor({ type: 'support.ticket.quoted.v1', data: ticket.quoted(), occurredAt: at }, DEFAULT_SLA_RULES, [remote('breached')])).toEqual([
        { type: 'PauseClock', clockId: `ticket:${TICKET}:remote-attempt`, at, calendar: DEFAULT_BUSINESS_CALENDAR },
      ]);
    });
  });

  it('a whole ticket: every clock ends, each event exactly once', () => {
    const monitor = new Monitor();
    monitor.receive('support.ticket.received.v1', ticket.received('urgent', '2025-03-03T10:00'), '2025-03-03T10:01');
    monitor.receive('support.ticket.assigned.v1', ticket.assigned(), '2025-03-03T10:05');
    monitor.tick('2025-03-03T10:30');
    monitor.receive('support.ticket.contacted.v1', ticket.contacted('2025-03-03T10:31'), '2025-03-03T10:31');
    monitor.receive('support.ticket.on-site-scheduled.v1', ticket.onSiteScheduled('2025-03-04T14:00'), '2025-03-03T10:50');
    monitor.receive('support.visit.scheduled.v1', visit.scheduled('2025-03-04T14:00'), '2025-03-03T10:50');
    monitor.receive('support.visit.prepared.v1', visit.prepared(), '2025-03-04T09:00');
    monitor.receive('support.visit.completed.v1', visit.completed(), '2025-03-04T15:30');
    monitor.receive('support.ticket.resolved.v1', ticket.resolved(false), '2025-03-04T15:30');
    monitor.receive('support.sheet.submitted.v1', sheetSubmitted(VISIT), '2025-03-04T16:10');
    monitor.receive('support.ticket.closed.v1', ticket.closed(), '2025-03-04T17:00');
    monitor.tick('2025-03-10T00:00');
    expect(monitor.published.map((event) => `${(event.data as { ruleId: string }).ruleId} ${types([event])[0]}`)).toEqual([
      'hand-over clock-started',
      'hand-over clock-met',
      'first-contact clock-started', // urgent, assigned 10:05: due 10:35, warning 10:29
      'first-contact clock-warned',
      'first-contact clock-met',
      'remote-attempt clock-started',
      'remote-attempt clock-met',
      'on-site-preparation clock-started',
      'on-site-preparation clock-met',
      'on-site-sheet clock-started',
      'on-site-sheet clock-met',
    ]);
    const statuses = [...monitor.streams.values()].map((stream) => (foldEvents(slaClockDecider, stream) as SlaClock).status);
    expect(statuses).toEqual(['met', 'met', 'met', 'met', 'met']);
  });
});
