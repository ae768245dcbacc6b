/** The team's time zone: a reporting week runs Monday 00:00 to Sunday 24:00 there. */
export const TEAM_TIME_ZONE = 'Asia/Shanghai';

/** An ISO 8601 week as `YYYY-Www`, e.g. `2026-W48`; such strings sort in calendar order. */
export type IsoWeek = string;

// formatting is the slow part, so one formatter per time zone
const formatters = new Map<string, Intl.DateTimeFormat>();

function calendarDate(at: Date, timeZone: string): [number, number, number] {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  const [year, month, day] = formatter.format(at).split('-').map(Number);
  return [year, month, day];
}

/**
 * The ISO 8601 week an instant falls in, by its calendar date in `timeZone` (Shanghai by default): so
 * 2026-11-29T16:30:00Z, Monday 00:30 in Shanghai, is in `2026-W49`. Throws on an invalid date.
 */
export function isoWeekOf(at: Date | string, timeZone = TEAM_TIME_ZONE): IsoWeek {
  const [year, month, day] = calendarDate(typeof at === 'string' ? new Date(at) : at, timeZone);
  const date = new Date(Date.UTC(year, month - 1, day));
  // the week belongs to the year of its Thursday
  const weekday = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - weekday);
  const firstOfYear = Date.UTC(date.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((date.getTime() - firstOfYear) / 86_400_000 + 1) / 7);
  return `${date.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** `YYYY-Www` as a query parameter may give it */
export const ISO_WEEK = /^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/;
