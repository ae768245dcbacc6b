import { IsoWeek, isoWeekOf, TEAM_TIME_ZONE } from './iso-week';
import { OPEN_STAGES, QueueRow } from './board-rows';
import { KpiEvent, RuleCompliance, WeeklyKpis } from './weekly-kpis';

// the page's trend charts, as pure folds: weeks and days are calendar ones in the team's time zone, so a
// chart's last point is the team's current week, day or hour

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** One week's team response and resolution rates (null: nothing to divide by), with what they divide. */
export interface WeekRates {
  week: IsoWeek;
  assigned: number;
  responseRate: number | null;
  resolved: number;
  resolutionRate: number | null;
}

/** One week's SLA compliance, one entry per rule seen in any of the weeks (no clock decided: compliance null). */
export interface WeekCompliance {
  week: IsoWeek;
  rules: RuleCompliance[];
}

/** The weekly trends: rates and SLA compliance per rule over the same weeks, oldest first. */
export interface WeeklyTrends {
  rates: WeekRates[];
  compliance: { rules: string[]; weeks: WeekCompliance[] };
}

/** How many SLA clocks breached on one calendar day (`YYYY-MM-DD`). */
export interface DayBreaches {
  day: string;
  breaches: number;
}

/** One hour of the team's day: open tickets in the queue at its end (now, for the current hour). */
export interface HourDepth {
  from: string;
  to: string;
  depth: number;
}

/** A change of the queue's depth: a ticket entered (+1) or left (-1) the open stages. */
export interface DepthChange {
  at: string;
  delta: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

// the wall clock in the time zone: calendar date, and milliseconds since the local hour began
function wallClock(at: Date, timeZone: string): { year: number; month: number; day: number; intoHour: number } {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, formatter);
  }
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(at)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return { year: parts.year, month: parts.month, day: parts.day, intoHour: (parts.minute * 60 + parts.second) * 1000 + at.getUTCMilliseconds() };
}

// the calendar days before and up to the instant's, in the time zone, as UTC noons (safe from any offset)
function calendarNoons(now: Date, count: number, stepDays: number, timeZone: string): Date[] {
  const { year, month, day } = wallClock(now, timeZone);
  const today = Date.UTC(year, month - 1, day, 12);
  return Array.from({ length: count }, (_, i) => new Date(today - (count - 1 - i) * stepDays * DAY_MS));
}

/** The `count` ISO weeks up to the one `now` falls in (in the time zone), oldest first. */
export function lastIsoWeeks(now: Date, count: number, timeZone = TEAM_TIME_ZONE): IsoWeek[] {
  return calendarNoons(now, count, 7, timeZone).map((noon) => isoWeekOf(noon, 'UTC'));
}

/** The `count` calendar days (`YYYY-MM-DD`) up to the one `now` falls on (in the time zone), oldest first. */
export function lastDays(now: Date, count: number, timeZone = TEAM_TIME_ZONE): string[] {
  return calendarNoons(now, count, 1, timeZone).map((noon) => noon.toISOString().slice(0, 10));
}

/** The calendar day (`YYYY-MM-DD`) an instant falls on in the time zone. */
export function dayOf(at: Date, timeZone = TEAM_TIME_ZONE): string {
  const { year, month, day } = wallClock(at, timeZone);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Rates and SLA compliance of these weeks from one fold of the KPI events (the weekly report's figures). */
export function weeklyTrends(events: Iterable<KpiEvent>, weeks: IsoWeek[], timeZone = TEAM_TIME_ZONE): WeeklyTrends {
  const kpis = new WeeklyKpis(timeZone);
  for (const event of events) kpis.apply(event);
  const reports = weeks.map((week) => kpis.report(week));
  const rules = [...new Set(reports.flatMap((report) => report.slaCompliance.map((rule) => rule.ruleId)))].sort();
  return {
    rates: reports.map(({ week, team }) => ({ week, assigned: team.assigned, responseRate: team.responseRate, resolved: team.resolved, resolutionRate: team.resolutionRate })),
    compliance: {
      rules,
      weeks: reports.map(({ week, slaCompliance }) => ({
        week,
        rules: rules.map((ruleId) => slaCompliance.find((rule) => rule.ruleId === ruleId) ?? { ruleId, met: 0, breached: 0, compliance: null }),
      })),
    },
  };
}

/** Breaches per calendar day of these days; a clock counts once, on the day it breached. */
export function breachesPerDay(breaches: Iterable<{ clockId: string; at: string }>, days: string[], timeZone = TEAM_TIME_ZONE): DayBreaches[] {
  const clocks = new Map(days.map((day) => [day, new Set<string>()]));
  for (const { clockId, at } of breaches) clocks.get(dayOf(new Date(at), timeZone))?.add(clockId);
  return days.map((day) => ({ day, breaches: clocks.get(day)?.size ?? 0 }));
}

/** How a ticket event moved the queue's depth: +1 into the open stages, -1 out of them, 0 otherwise. */
export function depthChange(before: QueueRow | undefined, after: QueueRow | undefined): number {
  const open = (row: QueueRow | undefined) => (row !== undefined && OPEN_STAGES.includes(row.state) ? 1 : 0);
  return open(after) - open(before);
}

/** The first instant of the last `hours` whole hours of the team's day up to `now` (the current one included). */
export function depthWindowStart(now: Date, hours: number, timeZone = TEAM_TIME_ZONE): Date {
  const hourStart = now.getTime() - wallClock(now, timeZone).intoHour;
  return new Date(hourStart - (hours - 1) * HOUR_MS);
}

/**
 * The queue's depth at the end of each of the last `hours` hours of the team's day (at `now` for the
 * current one): `baseline` open tickets before the window, then the changes in it (later ones ignored).
 */
export function queueDepthByHour(baseline: number, changes: Iterable<DepthChange>, now: Date, hours: number, timeZone = TEAM_TIME_ZONE): HourDepth[] {
  const start = depthWindowStart(now, hours, timeZone).getTime();
  const deltas = new Array<number>(hours).fill(0);
  for (const { at, delta } of changes) {
    const time = Date.parse(at);
    if (time < start) baseline += delta;
    else if (time <= now.getTime()) deltas[Math.floor((time - start) / HOUR_MS)] += delta;
  }
  let depth = baseline;
  return deltas.map((delta, i) => {
    depth += delta;
    const from = start + i * HOUR_MS;
    return { from: new Date(from).toISOString(), to: new Date(Math.min(from + HOUR_MS, now.getTime())).toISOString(), depth };
  });
}
