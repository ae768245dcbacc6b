import { TimeBasis } from '@support/contracts';

// Working-time arithmetic in the team's time zone, with Intl only (Node's ICU has the full IANA data).
// Instants are Dates (UTC); weekdays, hours and holidays are read in the calendar's local time.
// Working minutes are real elapsed minutes inside working periods, so a period that spans a DST change
// is an hour shorter (spring) or longer (autumn) than its wall-clock length.

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Local wall-clock times 'HH:MM'; `end` may be '24:00' (midnight at the end of the day); start < end. */
export interface WorkingPeriod {
  start: string;
  end: string;
}

export interface BusinessCalendar {
  /** IANA time zone, e.g. Asia/Shanghai */
  timeZone: string;
  /** working periods per weekday, in local time; an empty list is a day off */
  workingHours: Readonly<Record<Weekday, readonly WorkingPeriod[]>>;
  /** local dates 'YYYY-MM-DD' with no working time at all */
  holidays: readonly string[];
  /**
   * local dates 'YYYY-MM-DD' with hours of their own instead of their weekday's: China's make-up working
   * days (调休, a Saturday or Sunday worked), half days. Not for days off: those are `holidays`.
   */
  specialDays?: Readonly<Record<string, readonly WorkingPeriod[]>>;
}

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

const OFFICE_DAY: readonly WorkingPeriod[] = Object.freeze([Object.freeze({ start: '09:00', end: '18:00' })]);

/**
 * Asia/Shanghai, Monday to Friday 09:00-18:00, no holidays. No lunch break: DOMAIN.md names none, and a
 * support desk answers urgent customers over lunch; a team that closes for lunch gives two periods a day
 * (e.g. 09:00-12:00 and 13:30-18:00). A working day is then 540 minutes.
 */
export const DEFAULT_BUSINESS_CALENDAR: BusinessCalendar = Object.freeze({
  timeZone: DEFAULT_TIME_ZONE,
  workingHours: Object.freeze({ mon: OFFICE_DAY, tue: OFFICE_DAY, wed: OFFICE_DAY, thu: OFFICE_DAY, fri: OFFICE_DAY, sat: [], sun: [] }),
  holidays: Object.freeze([]) as readonly string[],
});

/** Minutes in one working day of the default calendar (09:00-18:00). */
export const DEFAULT_WORKING_DAY_MINUTES = 9 * 60;

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/** more consecutive days than this without any working time means the calendar never opens */
const MAX_CLOSED_DAYS = 3 * 366;

// ---------------------------------------------------------------------------------------------------------
// validation

export type CalendarValidation = { ok: true; calendar: BusinessCalendar } | { ok: false; errors: string[] };

const TIME_PATTERN = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Checks a calendar (e.g. from a lead's REST request). On success the calendar as it is stored: periods
 * sorted by start, holidays sorted. Each error names its field, e.g. `workingHours.mon[1].end`.
 */
export function validateBusinessCalendar(input: unknown): CalendarValidation {
  const errors: string[] = [];
  if (!isObject(input)) return { ok: false, errors: ['calendar must be an object'] };
  for (const key of Object.keys(input)) {
    if (!['timeZone', 'workingHours', 'holidays', 'specialDays'].includes(key)) errors.push(`${key} is not a calendar field`);
  }

  if (typeof input.timeZone !== 'string' || !isTimeZone(input.timeZone)) {
    errors.push(`timeZone must be an IANA time zone such as ${DEFAULT_TIME_ZONE}`);
  }

  const workingHours = {} as Record<Weekday, WorkingPeriod[]>;
  if (!isObject(input.workingHours)) {
    errors.push(`workingHours must be an object with the weekdays ${WEEKDAYS.join(', ')}`);
  } else {
    for (const key of Object.keys(input.workingHours)) {
      if (!(WEEKDAYS as readonly string[]).includes(key)) errors.push(`workingHours.${key} is not a weekday (${WEEKDAYS.join(', ')})`);
    }
    for (const day of WEEKDAYS) workingHours[day] = checkPeriods(input.workingHours[day], `workingHours.${day}`, errors);
  }

  const holidays: string[] = [];
  if (!Array.isArray(input.holidays)) {
    errors.push('holidays must be a list of local dates YYYY-MM-DD (possibly empty)');
  } else {
    input.holidays.forEach((value, index) => {
      if (!isLocalDate(value)) errors.push(`holidays[${index}] must be a date YYYY-MM-DD`);
      else if (holidays.includes(value)) errors.push(`holidays[${index}] repeats ${value}`);
      else holidays.push(value);
    });
  }

  let specialDays: Record<string, WorkingPeriod[]> | undefined;
  if (input.specialDays !== undefined) {
    if (!isObject(input.specialDays)) {
      errors.push('specialDays must be an object from local dates YYYY-MM-DD to working periods');
    } else {
      specialDays = {};
      for (const [date, periods] of Object.entries(input.specialDays)) {
        if (!isLocalDate(date)) errors.push(`specialDays.${date} must be keyed by a date YYYY-MM-DD`);
        else if (holidays.includes(date)) errors.push(`specialDays.${date} is also a holiday`);
        const checked = checkPeriods(periods, `specialDays.${date}`, errors);
        if (Array.isArray(periods) && periods.length === 0) errors.push(`specialDays.${date} must have working periods (a day off is a holiday)`);
        specialDays[date] = checked;
      }
    }
  }

  const hasWeeklyHours = WEEKDAYS.some((day) => (workingHours[day] ?? []).length > 0);
  if (isObject(input.workingHours) && !hasWeeklyHours) errors.push('workingHours must have at least one working period in the week');

  if (errors.length > 0) return { ok: false, errors };
  const calendar: BusinessCalendar = { timeZone: input.timeZone as string, workingHours, holidays: holidays.sort() };
  if (specialDays) calendar.specialDays = specialDays;
  return { ok: true, calendar };
}

function checkPeriods(value: unknown, field: string, errors: string[]): WorkingPeriod[] {
  if (!Array.isArray(value)) {
    errors.push(`${field} must be a list of working periods {start, end} (empty for a day off)`);
    return [];
  }
  const periods: WorkingPeriod[] = [];
  value.forEach((period: unknown, index) => {
    const at = `${field}[${index}]`;
    if (!isObject(period)) return errors.push(`${at} must be an object {start: 'HH:MM', end: 'HH:MM'}`);
    const { start, end } = period;
    let valid = true;
    if (typeof start !== 'string' || !TIME_PATTERN.test(start) || start === '24:00') {
      errors.push(`${at}.start must be a local time HH:MM from 00:00 to 23:59`);
      valid = false;
    }
    if (typeof end !== 'string' || !TIME_PATTERN.test(end)) {
      errors.push(`${at}.end must be a local time HH:MM from 00:01 to 24:00`);
      valid = false;
    }
    for (const key of Object.keys(period)) if (key !== 'start' && key !== 'end') errors.push(`${at}.${key} is not a period field`);
    if (!valid) return;
    if (toMinutes(end as string) <= toMinutes(start as string)) return errors.push(`${at}.end must be after ${at}.start`);
    periods.push({ start: start as string, end: end as string });
  });
  periods.sort((a, b) => toMinutes(a.start) - toMinutes(b.start));
  for (let i = 1; i < periods.length; i++) {
    if (toMinutes(periods[i].start) < toMinutes(periods[i - 1].end)) {
      errors.push(`${field} has overlapping periods ${periods[i - 1].start}-${periods[i - 1].end} and ${periods[i].start}-${periods[i].end}`);
    }
  }
  return periods;
}

/**
 * True when Intl knows the zone (IANA names, case-insensitive, and UTC). A UTC offset such as +08:00,
 * which Intl accepts as a time zone on Node 24 (ECMA-402 offset time zones; Node 20 refused it), is not one: it has no
 * daylight-saving rules.
 */
export function isTimeZone(timeZone: string): boolean {
  try {
    return !/^[+-]/.test(new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone);
  } catch {
    return false;
  }
}

function isLocalDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

// ---------------------------------------------------------------------------------------------------------
// time-zone primitives

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** The zone's offset from UTC at an instant, in ms (Shanghai: +8 h). */
function offsetAt(timeZone: string, instantMs: number): number {
  const fields: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const wallMs = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour % 24, fields.minute, fields.second);
  return wallMs - Math.floor(instantMs / 1000) * 1000;
}

/** A local date as the number of days since 1970-01-01 (the weekday and date string follow from it). */
type LocalDay = number;

function localDayOf(timeZone: string, instantMs: number): LocalDay {
  return Math.floor((instantMs + offsetAt(timeZone, instantMs)) / DAY_MS);
}

/**
 * The instant of a local wall-clock time (minutes after local midnight of `day`, up to 1440). Like
 * Temporal's `compatible` disambiguation: a time that happens twice (autumn) is the earlier instant, a
 * time that does not exist (spring gap) is read with the offset before the gap, i.e. as much later.
 */
function instantOf(timeZone: string, day: LocalDay, minuteOfDay: number): number {
  const wallMs = day * DAY_MS + minuteOfDay * MINUTE_MS;
  // zones change offset at most once a day: the offsets a day before and after cover every candidate
  const before = offsetAt(timeZone, wallMs - DAY_MS);
  const after = offsetAt(timeZone, wallMs + DAY_MS);
  const candidates = [wallMs - before, wallMs - after].filter((instant) => instant + offsetAt(timeZone, instant) === wallMs);
  if (candidates.length > 0) return Math.min(...candidates);
  return wallMs - before;
}

const WEEKDAY_OF_DAY: readonly Weekday[] = ['thu', 'fri', 'sat', 'sun', 'mon', 'tue', 'wed']; // 1970-01-01 was a Thursday

function weekdayOf(day: LocalDay): Weekday {
  return WEEKDAY_OF_DAY[((day % 7) + 7) % 7];
}

function dateOf(day: LocalDay): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------------------
// compiled calendars: periods in minutes, holidays as a set (calendars are values: never mutate one)

interface CompiledCalendar {
  timeZone: string;
  weekly: Readonly<Record<Weekday, ReadonlyArray<readonly [number, number]>>>;
  holidays: ReadonlySet<string>;
  special: ReadonlyMap<string, ReadonlyArray<readonly [number, number]>>;
  /** periods as instants per local day: Intl is slow and monitors ask about the same few weeks */
  days: Map<LocalDay, ReadonlyArray<readonly [number, number]>>;
}

const CACHED_DAYS = 4096;

const compiled = new WeakMap<BusinessCalendar, CompiledCalendar>();

function compile(calendar: BusinessCalendar): CompiledCalendar {
  let result = compiled.get(calendar);
  if (!result) {
    if (!isTimeZone(calendar.timeZone)) throw new Error(`unknown time zone ${calendar.timeZone}: validate calendars before use`);
    const minutes = (periods: readonly WorkingPeriod[] | undefined) =>
      (periods ?? []).map((period) => [toMinutes(period.start), toMinutes(period.end)] as const).sort((a, b) => a[0] - b[0]);
    const weekly = Object.fromEntries(WEEKDAYS.map((day) => [day, minutes(calendar.workingHours[day])])) as unknown as CompiledCalendar['weekly'];
    const special = new Map(Object.entries(calendar.specialDays ?? {}).map(([date, periods]) => [date, minutes(periods)]));
    result = { timeZone: calendar.timeZone, weekly, holidays: new Set(calendar.holidays), special, days: new Map() };
    compiled.set(calendar, result);
  }
  return result;
}

/** The working periods of one local day as instants [start, end), in order. */
function periodsOn(calendar: CompiledCalendar, day: LocalDay): ReadonlyArray<readonly [number, number]> {
  const cached = calendar.days.get(day);
  if (cached) return cached;
  const date = dateOf(day);
  const periods = calendar.holidays.has(date) ? [] : (calendar.special.get(date) ?? calendar.weekly[weekdayOf(day)]);
  const instants = periods.map(([start, end]) => [instantOf(calendar.timeZone, day, start), instantOf(calendar.timeZone, day, end)] as const).filter(([start, end]) => end > start); // a period inside a DST gap has no time at all
  if (calendar.days.size >= CACHED_DAYS) calendar.days.clear();
  calendar.days.set(day, instants);
  return instants;
}

function toMinutes(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  if (!Number.isInteger(hours) || !Number.isInteger(minutes)) throw new Error(`not a local time HH:MM: ${time}`);
  return hours * 60 + minutes;
}

function closedTooLong(closedDays: number, calendar: CompiledCalendar): void {
  if (closedDays > MAX_CLOSED_DAYS) {
    throw new Error(`business calendar in ${calendar.timeZone} has no working time for ${MAX_CLOSED_DAYS} days: validate calendars before use`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// working time

/** True when `at` is inside a working period (start inclusive, end exclusive) of the calendar. */
export function isWorkingTime(calendar: BusinessCalendar, at: Date): boolean {
  const compiledCalendar = compile(calendar);
  const instant = timeOf(at, 'at');
  return periodsOn(compiledCalendar, localDayOf(compiledCalendar.timeZone, instant)).some(([start, end]) => start <= instant && instant < end);
}

/** The first instant at or after `at` that is working time (`at` itself when it is). */
export function nextWorkingTime(calendar: BusinessCalendar, at: Date): Date {
  const compiledCalendar = compile(calendar);
  const instant = timeOf(at, 'at');
  for (let day = localDayOf(compiledCalendar.timeZone, instant), closed = 0; ; day++, closed++) {
    closedTooLong(closed, compiledCalendar);
    for (const [start, end] of periodsOn(compiledCalendar, day)) if (end > instant) return new Date(Math.max(start, instant));
  }
}

/**
 * The instant at which `minutes` of working time have elapsed after `from`: nights, weekends and holidays
 * do not count, and a start outside working time counts from the next opening. It is the earliest such
 * instant, so work that ends with a period ends at that period's close (18:00), not at the next opening;
 * 0 minutes gives `from`. Negative minutes count back: the latest instant with that much working time
 * before `from`. Minutes may be fractional (ms precision).
 */
export function addWorkingMinutes(calendar: BusinessCalendar, from: Date, minutes: number): Date {
  const compiledCalendar = compile(calendar);
  const start = timeOf(from, 'from');
  let remaining = durationOf(minutes);
  if (remaining === 0) return new Date(start);
  const timeZone = compiledCalendar.timeZone;

  if (remaining > 0) {
    for (let day = localDayOf(timeZone, start), closed = 0; ; day++) {
      const periods = periodsOn(compiledCalendar, day);
      closed = periods.length === 0 ? closed + 1 : 0;
      closedTooLong(closed, compiledCalendar);
      for (const [open, close] of periods) {
        const begin = Math.max(open, start);
        if (close <= begin) continue;
        if (remaining <= close - begin) return new Date(begin + remaining);
        remaining -= close - begin;
      }
    }
  }

  remaining = -remaining;
  for (let day = localDayOf(timeZone, start), closed = 0; ; day--) {
    const periods = [...periodsOn(compiledCalendar, day)].reverse();
    closed = periods.length === 0 ? closed + 1 : 0;
    closedTooLong(closed, compiledCalendar);
    for (const [open, close] of periods) {
      const finish = Math.min(close, start);
      if (finish <= open) continue;
      if (remaining <= finish - open) return new Date(finish - remaining);
      remaining -= finish - open;
    }
  }
}

/**
 * Working minutes from `from` to `to`: the time inside working periods between them. Negative when `to`
 * is before `from`, so `workingMinutesBetween(cal, now, dueAt)` is the remaining time, negative once late.
 * The inverse of addWorkingMinutes: workingMinutesBetween(c, f, addWorkingMinutes(c, f, m)) === m.
 */
export function workingMinutesBetween(calendar: BusinessCalendar, from: Date, to: Date): number {
  const compiledCalendar = compile(calendar);
  const start = timeOf(from, 'from');
  const end = timeOf(to, 'to');
  if (end < start) return -workingMinutesBetween(calendar, to, from);
  const timeZone = compiledCalendar.timeZone;
  let total = 0;
  for (let day = localDayOf(timeZone, start), last = localDayOf(timeZone, end); day <= last; day++) {
    for (const [open, close] of periodsOn(compiledCalendar, day)) {
      const overlap = Math.min(close, end) - Math.max(open, start);
      if (overlap > 0) total += overlap;
    }
  }
  return total / MINUTE_MS;
}

// ---------------------------------------------------------------------------------------------------------
// calendar time, and either basis

/** `from` plus `minutes` of elapsed time (every minute counts; ms precision). */
export function addCalendarMinutes(from: Date, minutes: number): Date {
  return new Date(timeOf(from, 'from') + durationOf(minutes));
}

/** Elapsed minutes from `from` to `to`; negative when `to` is earlier. */
export function calendarMinutesBetween(from: Date, to: Date): number {
  return (timeOf(to, 'to') - timeOf(from, 'from')) / MINUTE_MS;
}

/** addCalendarMinutes or addWorkingMinutes, by a rule's time basis. */
export function addMinutes(basis: TimeBasis, calendar: BusinessCalendar, from: Date, minutes: number): Date {
  return basis === 'working' ? addWorkingMinutes(calendar, from, minutes) : addCalendarMinutes(from, minutes);
}

/** calendarMinutesBetween or workingMinutesBetween, by a rule's time basis. */
export function minutesBetween(basis: TimeBasis, calendar: BusinessCalendar, from: Date, to: Date): number {
  return basis === 'working' ? workingMinutesBetween(calendar, from, to) : calendarMinutesBetween(from, to);
}

/** The local date 'YYYY-MM-DD' of an instant in the calendar's time zone (e.g. for holidays). */
export function localDateOf(calendar: BusinessCalendar, at: Date): string {
  return dateOf(localDayOf(compile(calendar).timeZone, timeOf(at, 'at')));
}

function timeOf(date: Date, name: string): number {
  const time = date instanceof Date ? date.getTime() : Number.NaN;
  if (Number.isNaN(time)) throw new Error(`${name} must be a valid Date`);
  return time;
}

// whole milliseconds, so that adding and measuring are exact inverses
function durationOf(minutes: number): number {
  if (!Number.isFinite(minutes)) throw new Error(`minutes must be a finite number, got ${minutes}`);
  return Math.sign(minutes) * Math.round(Math.abs(minutes) * MINUTE_MS);
}
