import { Urgency, URGENCIES } from '@support/contracts';
import { BusinessCalendar, DEFAULT_BUSINESS_CALENDAR } from './business-calendar';
import { CancelClock, SlaClockCommand, StartClock } from './sla-clock.commands';
import { ClockStatus, isOpen } from './sla-clock.state';
import { SlaSubject } from '@support/contracts';
import { clockIdOf, clockTermsFor, EventMatcher, eventTime, fieldOf, firstMatch, IncomingEvent, SlaRule, subjectIdOf } from './sla-policy';

// Which clocks an incoming event starts, stops, pauses, resumes or cancels. Pure: the caller loads the
// subject's clocks and the ticket's urgency, and sends the commands to the clock decider.

/** What the engine needs to know of an existing clock (a SlaClock state fits). */
export interface KnownClock {
  clockId: string;
  ruleId: string;
  subject: SlaSubject;
  ticketId?: string;
  status: ClockStatus;
}

export interface EngineContext {
  /** the team's calendar; default DEFAULT_BUSINESS_CALENDAR */
  calendar?: BusinessCalendar;
  /** the ticket's urgency when the event does not carry it (e.g. an assignment): the caller's ticket projection */
  urgency?: Urgency;
  /** stops seen before their clock started (see {@link earlyStopsOf}) of the event's subjects */
  earlyStops?: readonly EarlyStop[];
}

/**
 * A stop that came before its start: a rule's start and stop can come from different services' topics,
 * which keep no order between them (a remote sheet submitted before the ticket's resolution reaches
 * the monitor, or is even written first). The start then starts the clock and stops it at once.
 */
export interface EarlyStop {
  ruleId: string;
  subject: SlaSubject;
  at: Date;
}

/**
 * The clock commands for one incoming event, rule by rule in the order of `rules`.
 *
 * `clocks` are the clocks of the event's subjects that exist: the open ones, and the ended ones too, so that
 * a clock never starts twice for the same subject and rule (without them the decider refuses the second
 * start). Per rule, first match wins: cancel, then stop, pause (a running clock), resume (a paused one),
 * and start (only when the subject has no clock of that rule yet).
 *
 * The subject is found by its id field (ticketId, visitId, sheetId, analysisId). A cancelling event without
 * that field (e.g. `support.ticket.cancelled.v1` for a visit rule) cancels the rule's open clocks of its
 * ticket. Commands take the time the event says it happened (the matcher's `timeField`, never later than
 * the event), else `occurredAt`.
 */
export function commandsFor(event: IncomingEvent, rules: readonly SlaRule[], clocks: readonly KnownClock[], context: EngineContext = {}): SlaClockCommand[] {
  const calendar = context.calendar ?? DEFAULT_BUSINESS_CALENDAR;
  const ticketId = text(fieldOf(event.data, 'ticketId'));
  const commands: SlaClockCommand[] = [];

  for (const rule of rules) {
    const subjectId = subjectIdOf(rule.subject, event.data);
    const own = subjectId ? clocks.find((clock) => clock.ruleId === rule.id && clock.subject.type === rule.subject && clock.subject.id === subjectId) : undefined;

    const cancel = firstMatch(rule.cancel, event);
    if (cancel) {
      const targets = subjectId ? [own] : clocks.filter((clock) => clock.ruleId === rule.id && ticketId !== undefined && clock.ticketId === ticketId);
      for (const clock of targets) {
        if (clock && isOpen(clock)) commands.push(cancelCommand(clock, cancel, event));
      }
      continue;
    }

    if (own) {
      if (!isOpen(own)) continue;
      const stop = firstMatch(rule.stop, event);
      if (stop) {
        commands.push({ type: 'StopClock', clockId: own.clockId, at: eventTime(stop, event), calendar });
        continue;
      }
      const pause = own.status !== 'paused' ? firstMatch(rule.pause, event) : undefined;
      if (pause) {
        commands.push({ type: 'PauseClock', clockId: own.clockId, at: eventTime(pause, event), calendar });
        continue;
      }
      const resume = own.status === 'paused' ? firstMatch(rule.resume, event) : undefined;
      if (resume) commands.push({ type: 'ResumeClock', clockId: own.clockId, at: eventTime(resume, event), calendar });
      continue;
    }

    const start = subjectId ? firstMatch(rule.start, event) : undefined;
    if (start && subjectId) {
      const command = startCommand(rule, { type: rule.subject, id: subjectId }, start, event, ticketId, calendar, context.urgency);
      if (command) commands.push(command);
      const stoppedEarly = context.earlyStops?.find((stop) => stop.ruleId === rule.id && stop.subject.type === rule.subject && stop.subject.id === subjectId);
      if (command && stoppedEarly && countsFor(stoppedEarly, command)) {
        commands.push({ type: 'StopClock', clockId: command.clockId, at: new Date(Math.max(stoppedEarly.at.getTime(), command.at.getTime())), calendar });
      }
    }
  }
  return commands;
}

/**
 * The stops in an event whose subject has no clock of the rule yet, to be remembered for the start that
 * comes later (`EngineContext.earlyStops`). A subject's clock of a rule that has ended never starts
 * again, so a stop with any clock of the rule is no early stop.
 */
export function earlyStopsOf(event: IncomingEvent, rules: readonly SlaRule[], clocks: readonly KnownClock[]): EarlyStop[] {
  return rules.flatMap((rule) => {
    const subjectId = subjectIdOf(rule.subject, event.data);
    if (!subjectId || firstMatch(rule.cancel, event)) return [];
    if (clocks.some((clock) => clock.ruleId === rule.id && clock.subject.type === rule.subject && clock.subject.id === subjectId)) return [];
    const stop = firstMatch(rule.stop, event);
    return stop ? [{ ruleId: rule.id, subject: { type: rule.subject, id: subjectId }, at: eventTime(stop, event) }] : [];
  });
}

function startCommand(
  rule: SlaRule,
  subject: SlaSubject,
  matcher: EventMatcher,
  event: IncomingEvent,
  ticketId: string | undefined,
  calendar: BusinessCalendar,
  knownUrgency: Urgency | undefined,
): StartClock | undefined {
  const stated = fieldOf(event.data, 'urgency');
  const urgency = (URGENCIES as readonly unknown[]).includes(stated) ? (stated as Urgency) : knownUrgency;
  const terms = clockTermsFor(rule, { startedAt: eventTime(matcher, event), data: event.data, urgency, ticketId }, calendar);
  if (!terms) return undefined;
  return {
    type: 'StartClock',
    clockId: clockIdOf(rule.id, subject),
    at: eventTime({ type: matcher.type }, event),
    ruleId: rule.id,
    subject,
    ...(ticketId !== undefined ? { ticketId } : {}),
    timeBasis: rule.timeBasis,
    ...terms,
  };
}

/**
 * An early stop meets the obligation when it came at most the clock's target before the start (a sheet
 * written minutes before the fix was posted); one from long before (the sheet of an earlier on-site
 * service) does not.
 */
function countsFor(stop: EarlyStop, start: StartClock): boolean {
  return start.at.getTime() - stop.at.getTime() <= start.targetMinutes * 60_000;
}

function cancelCommand(clock: KnownClock, matcher: EventMatcher, event: IncomingEvent): CancelClock {
  return { type: 'CancelClock', clockId: clock.clockId, at: eventTime(matcher, event), reason: event.type };
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);
