import { inPeriod, minutesFrom, Percentiles, percentilesOf, SlaEvent, SlaSubject, Urgency, URGENCIES } from '@support/contracts';
import { foldEvents } from '@support/decider';
import { BusinessCalendar, DEFAULT_BUSINESS_CALENDAR } from './business-calendar';
import { SlaClockCommand } from './sla-clock.commands';
import { decideSlaClock, slaClockDecider } from './sla-clock.decider';
import { clockExists, ClockStatus, evolveSlaClock, initialSlaClockState, nextTickAt, SlaClock, SlaClockState } from './sla-clock.state';
import { commandsFor, EarlyStop, earlyStopsOf, KnownClock } from './sla-engine';
import { SlaPolicyChanged, slaPolicyDecider } from './sla-policy.decider';
import { DEFAULT_SLA_RULES, fieldOf, IncomingEvent, SlaRule, SUBJECT_ID_FIELDS } from './sla-policy';

// A what-if replay of the monitor: the recorded input events, in their recorded order, go through the same
// engine (commandsFor, earlyStopsOf) and clock decider the live monitor runs, with the policy in force at each
// event's time before the period and the proposal from its start; clocks are ticked at the instants their
// warnings and breaches fall due, as a scheduler that never lags would. Clocks live in memory only. Pure.

/** The rules and calendar a monitor runs with. */
export interface SlaPolicySettings {
  rules: readonly SlaRule[];
  calendar: BusinessCalendar;
}

/** A policy put in force at an instant (a `support.sla.policy-changed.v1` of the policy's stream). */
export interface PolicyChange {
  at: Date;
  settings: SlaPolicySettings;
}

/** An input event as the monitor's consumer hands it over: its id (de-duplication) and its recorded time. */
export interface ReplayEvent extends IncomingEvent {
  id: string;
  occurredAt: Date;
}

export interface SlaReplayInput {
  /** the recorded input events up to `to`, in recorded order (time, topic, partition, offset) */
  events: readonly ReplayEvent[];
  /** the policy's changes, oldest first; before the first the defaults (DOMAIN.md) apply */
  policy: readonly PolicyChange[];
  /** in force from `from` on, in place of the recorded policy */
  proposal: SlaPolicySettings;
  from: Date;
  to: Date;
}

export interface SlaReplay {
  /** every clock the replay started, with its events (as the clock's stream would hold them) */
  clocks: Map<string, SlaEvent[]>;
  /** input events replayed from `from` (up to and including `to`), and before it (the state carried in) */
  replayed: { eventsInPeriod: number; eventsBefore: number };
}

/** The policy's changes from its stream's events (oldest first), each with when it was recorded. */
export function policyChangesOf(events: ReadonlyArray<SlaPolicyChanged & { occurredAt: Date }>): PolicyChange[] {
  return events.map((event) => {
    const state = slaPolicyDecider.evolve({ set: false }, event);
    if (!state.set) throw new Error('a policy change that sets no policy');
    return { at: event.occurredAt, settings: { rules: state.rules, calendar: state.calendar } };
  });
}

/** The policy in force at `at`: the last change recorded by then, else the defaults. */
export function policyInForce(changes: readonly PolicyChange[], at: Date): SlaPolicySettings {
  let settings: SlaPolicySettings = { rules: DEFAULT_SLA_RULES, calendar: DEFAULT_BUSINESS_CALENDAR };
  for (const change of changes) {
    if (change.at.getTime() > at.getTime()) break;
    settings = change.settings;
  }
  return settings;
}

/**
 * Replays the monitor over the recorded events. Per event, as SlaMonitor.onEvents does for it: first every
 * warning and breach due by the event's time fires (each at its own due instant), then the engine gives the
 * event's commands from the clocks of its ticket and subjects (ended ones too), the ticket's remembered urgency
 * and the stops that came before their start; each command is decided on its clock, a refused one left out;
 * then the event's early stops and stated urgency are remembered. After the last event, what falls due by
 * `to` fires. Events whose id came before are skipped (delivery is at least once; the consumer's inbox does so).
 */
export function replaySlaClocks(input: SlaReplayInput): SlaReplay {
  const { from, to } = input;
  const settingsAt = (at: number): SlaPolicySettings => (at >= from.getTime() ? input.proposal : policyInForce(input.policy, new Date(at)));
  const monitor = new ReplayedMonitor();
  const seen = new Set<string>();
  const replayed = { eventsInPeriod: 0, eventsBefore: 0 };
  for (const event of input.events) {
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    const at = event.occurredAt.getTime();
    if (at > to.getTime()) continue;
    if (at < from.getTime()) replayed.eventsBefore++;
    else replayed.eventsInPeriod++;
    monitor.fireDue(at, settingsAt);
    monitor.onEvent(event, settingsAt(at));
  }
  monitor.fireDue(to.getTime(), settingsAt);
  return { clocks: monitor.history(), replayed };
}

/** The monitor's state (its clock streams, clock table, urgencies and early stops), in memory. */
class ReplayedMonitor {
  private readonly clocks = new Map<string, { state: SlaClock; events: SlaEvent[]; since: number }>();
  private readonly byTicket = new Map<string, string[]>();
  private readonly bySubjectId = new Map<string, string[]>();
  private readonly urgencies = new Map<string, Urgency>();
  private readonly earlyStops = new Map<string, Map<string, EarlyStop>>();
  private readonly due = new TickQueue();

  onEvent(event: ReplayEvent, { rules, calendar }: SlaPolicySettings): void {
    const ticket = fieldOf(event.data, 'ticketId');
    const ticketId = typeof ticket === 'string' ? ticket : undefined;
    const stated = fieldOf(event.data, 'urgency');
    const statedUrgency = (URGENCIES as readonly unknown[]).includes(stated) ? (stated as Urgency) : undefined;
    const subjectIds = Object.values(SUBJECT_ID_FIELDS)
      .map((field) => fieldOf(event.data, field))
      .filter((id): id is string => typeof id === 'string');
    const known = this.known(ticketId, subjectIds);
    const urgency = statedUrgency ?? (ticketId !== undefined ? this.urgencies.get(ticketId) : undefined);
    const earlyStops = [...new Set([...(ticketId !== undefined ? [ticketId] : []), ...subjectIds])].flatMap((id) => [...(this.earlyStops.get(id)?.values() ?? [])]);

    const byClock = new Map<string, SlaClockCommand[]>();
    for (const command of commandsFor(event, rules, known, { calendar, urgency, earlyStops })) {
      byClock.set(command.clockId, [...(byClock.get(command.clockId) ?? []), command]);
    }
    for (const [clockId, commands] of byClock) this.decide(clockId, commands, event.occurredAt.getTime());

    for (const stop of earlyStopsOf(event, rules, known)) this.rememberEarlyStop(stop);
    if (ticketId !== undefined && statedUrgency !== undefined) this.urgencies.set(ticketId, statedUrgency);
  }

  /** fires every warning and breach due by `until`, each at its due instant with the calendar in force then */
  fireDue(until: number, settingsAt: (at: number) => SlaPolicySettings): void {
    for (let next = this.due.peek(); next !== undefined && next.at <= until; next = this.due.peek()) {
      this.due.pop();
      const clock = this.clocks.get(next.clockId);
      // a clock that changed since it was queued has its new instant queued too
      if (!clock || tickAt(clock) !== next.at) continue;
      this.decide(next.clockId, [{ type: 'Tick', clockId: next.clockId, at: new Date(next.at), calendar: settingsAt(next.at).calendar }], next.at);
    }
  }

  history(): Map<string, SlaEvent[]> {
    return new Map([...this.clocks].map(([clockId, clock]) => [clockId, clock.events]));
  }

  // what the clock table gives the live monitor: every clock of the ticket and of the subjects, ended ones too
  private known(ticketId: string | undefined, subjectIds: readonly string[]): KnownClock[] {
    const ids = new Set([...(ticketId !== undefined ? (this.byTicket.get(ticketId) ?? []) : []), ...subjectIds.flatMap((id) => this.bySubjectId.get(id) ?? [])]);
    return [...ids].map((clockId) => this.clocks.get(clockId)!.state);
  }

  // as the command handler does: each command decided on the state the previous ones left, a refused one left out
  private decide(clockId: string, commands: readonly SlaClockCommand[], now: number): void {
    const clock = this.clocks.get(clockId);
    let state: SlaClockState = clock?.state ?? initialSlaClockState();
    const decided: SlaEvent[] = [];
    for (const command of commands) {
      const decision = decideSlaClock(command, state);
      if (!decision.ok) continue;
      decided.push(...decision.events);
      state = decision.events.reduce(evolveSlaClock, state);
    }
    if (decided.length === 0 || !clockExists(state)) return;
    const changed = clock ?? { state, events: [], since: now };
    Object.assign(changed, { state, since: now });
    changed.events.push(...decided);
    if (!clock) {
      this.clocks.set(clockId, changed);
      if (state.ticketId !== undefined) this.byTicket.set(state.ticketId, [...(this.byTicket.get(state.ticketId) ?? []), clockId]);
      this.bySubjectId.set(state.subject.id, [...(this.bySubjectId.get(state.subject.id) ?? []), clockId]);
    }
    const next = tickAt(changed);
    if (next !== undefined) this.due.push({ at: next, clockId });
  }

  // the latest early stop of each rule and subject, as the early_stops table keeps it
  private rememberEarlyStop(stop: EarlyStop): void {
    const ofSubject = this.earlyStops.get(stop.subject.id) ?? new Map<string, EarlyStop>();
    const key = `${stop.ruleId}\u0000${stop.subject.type}`;
    const kept = ofSubject.get(key);
    if (!kept || kept.at.getTime() < stop.at.getTime()) ofSubject.set(key, stop);
    this.earlyStops.set(stop.subject.id, ofSubject);
  }
}

/**
 * When the scheduler fires a clock next: at its warning or breach instant, but never before the monitor saw the
 * clock's last change (a clock measured from when the customer asked can be due before its ticket came in).
 */
function tickAt(clock: { state: SlaClock; since: number }): number | undefined {
  const next = nextTickAt(clock.state);
  return next === undefined ? undefined : Math.max(next.getTime(), clock.since);
}

/** A min-heap of (instant, clock id): the scheduler's queue of due clocks, in a total order. */
class TickQueue {
  private readonly heap: Array<{ at: number; clockId: string }> = [];

  peek(): { at: number; clockId: string } | undefined {
    return this.heap[0];
  }

  push(entry: { at: number; clockId: string }): void {
    const heap = this.heap;
    heap.push(entry);
    for (let i = heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (heap.length === 0 || !last) return;
    heap[0] = last;
    for (let i = 0; ;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < heap.length && before(heap[left], heap[least])) least = left;
      if (right < heap.length && before(heap[right], heap[least])) least = right;
      if (least === i) break;
      [heap[i], heap[least]] = [heap[least], heap[i]];
      i = least;
    }
  }
}

const before = (a: { at: number; clockId: string }, b: { at: number; clockId: string }): boolean => a.at < b.at || (a.at === b.at && a.clockId < b.clockId);

// ---------------------------------------------------------------------------------------------------------
// outcome: the same function over the recorded clocks and the replayed ones

/** The rule whose clocks measure time to first contact. */
export const FIRST_CONTACT_RULE = 'first-contact';

/** One clock as it stood at the end of a period. */
export interface ClockVerdict {
  clockId: string;
  ruleId: string;
  subject: SlaSubject;
  ticketId: string | null;
  urgency: Urgency | null;
  startedAt: string;
  dueAt: string;
  status: ClockStatus;
  /** when its warning fired; null if none did */
  warnedAt: string | null;
  /** when it breached; null if it did not */
  breachedAt: string | null;
  /** whether its breach asked to escalate (a breach a Tick fired on a clock with breach action `escalate`) */
  escalated: boolean;
  /** when it was met or cancelled */
  endedAt: string | null;
  withinTarget: boolean | null;
}

/**
 * A clock at `at` from its events recorded by then, ticked at `at` as a time-travel read does (a warning or
 * breach due by then counts though the scheduler recorded it later); undefined before it started.
 */
export function clockVerdictAt(events: readonly SlaEvent[], at: Date, calendar: BusinessCalendar): ClockVerdict | undefined {
  const folded = foldEvents(slaClockDecider, events);
  if (!clockExists(folded)) return undefined;
  const tick = decideSlaClock({ type: 'Tick', clockId: folded.clockId, at, calendar }, folded);
  const all = tick.ok ? [...events, ...tick.events] : events;
  const clock = all.reduce(evolveSlaClock, initialSlaClockState()) as SlaClock;
  const warning = all.find((event) => event.type === 'support.sla.clock-warned.v1');
  const breach = all.find((event) => event.type === 'support.sla.clock-breached.v1');
  return {
    clockId: clock.clockId,
    ruleId: clock.ruleId,
    subject: { type: clock.subject.type, id: clock.subject.id },
    ticketId: clock.ticketId ?? null,
    urgency: clock.urgency ?? null,
    startedAt: clock.startedAt.toISOString(),
    dueAt: clock.dueAt.toISOString(),
    status: clock.status,
    warnedAt: warning ? (warning.data as { at: string }).at : null,
    breachedAt: breach ? (breach.data as { at: string }).at : null,
    escalated: breach !== undefined && (breach.data as { action?: string }).action === 'escalate',
    endedAt: clock.endedAt ? clock.endedAt.toISOString() : null,
    withinTarget: clock.withinTarget ?? null,
  };
}

/** Clocks of one rule and urgency that started in the period. */
export interface SlaRuleOutcome {
  ruleId: string;
  urgency: Urgency | null;
  clocks: number;
  breached: number;
  /** met within target */
  met: number;
  warned: number;
}

/** What the SLA clocks that started in a period came to by its end. */
export interface SlaOutcome {
  clocks: number;
  /** breached by the end of the period (late, whether met later or still open) */
  breached: number;
  /** met within target by the end of the period */
  met: number;
  /** by rule, then urgency (none first) */
  byRule: SlaRuleOutcome[];
  /** wall-clock minutes from start to stop of the first-contact clocks that were met by the end of the period */
  firstContact: Percentiles;
  /** breaches that asked to escalate the ticket */
  escalations: number;
}

/** The outcome of the clocks that started in `[from, to)`; the order of `clocks` does not matter. */
export function slaOutcomeOf(clocks: Iterable<ClockVerdict>, period: { from: Date; to: Date }): SlaOutcome {
  const byRule = new Map<string, SlaRuleOutcome>();
  const firstContact: number[] = [];
  const outcome = { clocks: 0, breached: 0, met: 0, escalations: 0 };
  for (const clock of clocks) {
    if (!inPeriod(clock.startedAt, period)) continue;
    const key = `${clock.ruleId}\u0000${clock.urgency ?? ''}`;
    const rule = byRule.get(key) ?? { ruleId: clock.ruleId, urgency: clock.urgency, clocks: 0, breached: 0, met: 0, warned: 0 };
    byRule.set(key, rule);
    const met = clock.status === 'met' && clock.withinTarget === true;
    const breached = clock.breachedAt !== null;
    for (const counts of [outcome, rule]) {
      counts.clocks++;
      if (breached) counts.breached++;
      if (met) counts.met++;
    }
    if (clock.warnedAt !== null) rule.warned++;
    if (clock.escalated) outcome.escalations++;
    if (clock.ruleId === FIRST_CONTACT_RULE && clock.status === 'met' && clock.endedAt !== null) firstContact.push(minutesFrom(clock.startedAt, clock.endedAt));
  }
  return {
    clocks: outcome.clocks,
    breached: outcome.breached,
    met: outcome.met,
    byRule: [...byRule.values()].sort((a, b) => compareText(a.ruleId, b.ruleId) || compareText(a.urgency ?? '', b.urgency ?? '')),
    firstContact: percentilesOf(firstContact),
    escalations: outcome.escalations,
  };
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
