import { SlaEvent } from '@support/contracts';
import { foldEvents } from '@support/decider';
import { BusinessCalendar, DEFAULT_BUSINESS_CALENDAR, minutesBetween } from './business-calendar';
import { decideSlaClock, slaClockDecider } from './sla-clock.decider';
import { clockExists, evolveSlaClock, SlaClock } from './sla-clock.state';
import { SlaPolicyChanged, slaPolicyDecider } from './sla-policy.decider';

// A clock as it stood at an instant, as the engine would have seen it then: folded from its events up to the
// instant (the caller cuts the stream), then ticked at the instant, so a warning or breach that was due by
// then counts even if the scheduler recorded it later. Pure: a time-travel read and a replay share it.

/** Clocks a reader watches at an instant: past their warning time, not yet due (`at-risk`), or breached and still open. */
export const CLOCK_RISKS = ['at-risk', 'breached'] as const;
export type ClockRisk = (typeof CLOCK_RISKS)[number];

/** The clock its events up to an instant describe, warned or breached as a Tick at that instant decides; undefined before it started. */
export function clockAt(events: readonly SlaEvent[], at: Date, calendar: BusinessCalendar): SlaClock | undefined {
  const state = foldEvents(slaClockDecider, events);
  if (!clockExists(state)) return undefined;
  const tick = decideSlaClock({ type: 'Tick', clockId: state.clockId, at, calendar }, state);
  const ticked = tick.ok ? tick.events.reduce(evolveSlaClock, state) : state;
  return ticked as SlaClock;
}

/** Minutes left at `at` in the clock's basis (negative when overdue) while it counts; null once paused or ended (as the present read shows it). */
export function remainingMinutesAt(clock: Pick<SlaClock, 'status' | 'timeBasis' | 'dueAt'>, at: Date, calendar: BusinessCalendar): number | null {
  const counting = clock.status === 'running' || clock.status === 'breached';
  return counting ? minutesBetween(clock.timeBasis, calendar, at, clock.dueAt) : null;
}

/** Whether a clock is at risk or breached at `at` (the same rule as the clocks table's query for the present). */
export function riskAt(clock: Pick<SlaClock, 'status' | 'breached' | 'warnAt' | 'dueAt'>, at: Date): ClockRisk | undefined {
  if (clock.breached) return clock.status === 'running' || clock.status === 'paused' || clock.status === 'breached' ? 'breached' : undefined;
  const t = at.getTime();
  return clock.status === 'running' && clock.warnAt.getTime() <= t && clock.dueAt.getTime() > t ? 'at-risk' : undefined;
}

/** The calendar of the policy in force at an instant, from the policy's events up to it (the defaults before any). */
export function calendarAt(policyEvents: readonly SlaPolicyChanged[]): BusinessCalendar {
  const policy = foldEvents(slaPolicyDecider, policyEvents);
  return policy.set ? policy.calendar : DEFAULT_BUSINESS_CALENDAR;
}
