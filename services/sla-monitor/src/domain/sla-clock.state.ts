import { Urgency } from '@support/contracts';
import { BusinessCalendar, minutesBetween } from './business-calendar';
import { BreachAction, SlaEvent, SlaSubject, TimeBasis } from '@support/contracts';

/**
 * running: counting down; paused: not counting; breached: past due and still counting (it can still be met,
 * late, or cancelled); met and cancelled are final. A paused clock keeps its `breached` flag.
 */
export const CLOCK_STATUSES = ['running', 'paused', 'breached', 'met', 'cancelled'] as const;
export type ClockStatus = (typeof CLOCK_STATUSES)[number];

/** Before `support.sla.clock-started.v1`. */
export interface NoClock {
  readonly started: false;
}

/** A clock as its events describe it. */
export interface SlaClock {
  readonly started: true;
  readonly clockId: string;
  readonly ruleId: string;
  readonly subject: SlaSubject;
  readonly ticketId?: string;
  readonly urgency?: Urgency;
  readonly timeBasis: TimeBasis;
  readonly targetMinutes: number;
  readonly breachAction?: BreachAction;
  readonly startedAt: Date;
  readonly dueAt: Date;
  readonly warnAt: Date;
  readonly status: ClockStatus;
  readonly warned: boolean;
  readonly breached: boolean;
  /** while paused (and kept if cancelled while paused) */
  readonly pausedAt?: Date;
  readonly remainingAtPause?: number;
  /** when met or cancelled */
  readonly endedAt?: Date;
  readonly withinTarget?: boolean;
  readonly remainingAtEnd?: number;
  readonly cancelReason?: string;
}

export type SlaClockState = NoClock | SlaClock;

export const initialSlaClockState = (): SlaClockState => ({ started: false });

export function clockExists(state: SlaClockState): state is SlaClock {
  return state.started;
}

/** The events after which a clock is no longer open (see {@link isOpen}): a read of the clocks open at an instant leaves out the streams that hold one by then. */
export const CLOCK_ENDING_EVENTS: readonly SlaEvent['type'][] = ['support.sla.clock-met.v1', 'support.sla.clock-cancelled.v1'];

/** Running, paused or breached: the clock still waits for its stopping event. */
export function isOpen(state: { status: ClockStatus }): boolean {
  return state.status === 'running' || state.status === 'paused' || state.status === 'breached';
}

/** Applies one event. Events are facts: a second warning would only repeat the flag. */
export function evolveSlaClock(state: SlaClockState, event: SlaEvent): SlaClockState {
  if (event.type === 'support.sla.clock-started.v1') {
    if (clockExists(state)) throw new Error(`clock ${state.clockId} started twice`);
    const data = event.data;
    return {
      started: true,
      clockId: data.clockId,
      ruleId: data.ruleId,
      subject: { type: data.subject.type, id: data.subject.id },
      ...(data.ticketId !== undefined ? { ticketId: data.ticketId } : {}),
      ...(data.urgency !== undefined ? { urgency: data.urgency } : {}),
      timeBasis: data.timeBasis,
      targetMinutes: data.targetMinutes,
      ...(data.breachAction !== undefined ? { breachAction: data.breachAction } : {}),
      startedAt: new Date(data.startedAt),
      dueAt: new Date(data.dueAt),
      warnAt: new Date(data.warnAt),
      status: 'running',
      warned: false,
      breached: false,
    };
  }
  if (!clockExists(state)) throw new Error(`${event.type} for a clock that never started`);
  switch (event.type) {
    case 'support.sla.clock-paused.v1':
      return { ...state, status: 'paused', pausedAt: new Date(event.data.at), remainingAtPause: event.data.remainingMinutes };
    case 'support.sla.clock-resumed.v1': {
      const { pausedAt: _at, remainingAtPause: _left, ...rest } = state;
      return { ...rest, status: state.breached ? 'breached' : 'running', dueAt: new Date(event.data.dueAt), warnAt: new Date(event.data.warnAt) };
    }
    case 'support.sla.clock-warned.v1':
      return { ...state, warned: true };
    case 'support.sla.clock-breached.v1':
      // a breach makes a warning moot: none follows it
      return { ...state, warned: true, breached: true, status: state.status === 'running' ? 'breached' : state.status };
    case 'support.sla.clock-met.v1':
      return {
        ...state,
        status: 'met',
        endedAt: new Date(event.data.at),
        withinTarget: event.data.withinTarget,
        remainingAtEnd: event.data.remainingMinutes,
      };
    case 'support.sla.clock-cancelled.v1':
      return { ...state, status: 'cancelled', endedAt: new Date(event.data.at), cancelReason: event.data.reason };
  }
}

/**
 * Minutes left at `at` in the clock's time basis; negative when overdue. A paused clock gives what was
 * left at the pause; a met clock what was left when it was met; a cancelled one what was left when cancelled.
 */
export function remaining(state: SlaClock, at: Date, calendar: BusinessCalendar): number {
  switch (state.status) {
    case 'paused':
      return state.remainingAtPause as number;
    case 'met':
      return state.remainingAtEnd as number;
    case 'cancelled':
      return state.remainingAtPause ?? minutesBetween(state.timeBasis, calendar, state.endedAt as Date, state.dueAt);
    default:
      return minutesBetween(state.timeBasis, calendar, at, state.dueAt);
  }
}

/**
 * The first instant at which a Tick would emit something (warning at warnAt, breach 1 ms after dueAt),
 * or undefined when nothing is pending (paused, ended, or already breached): what a scheduler waits for.
 */
export function nextTickAt(state: SlaClockState): Date | undefined {
  if (!clockExists(state) || state.breached || (state.status !== 'running' && state.status !== 'breached')) return undefined;
  if (!state.warned && state.warnAt.getTime() <= state.dueAt.getTime()) return state.warnAt;
  return new Date(state.dueAt.getTime() + 1);
}
