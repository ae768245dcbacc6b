/** The ISO 8601 week (e.g. `2026-W48`) of an instant, by the calendar date in a time zone. */
export function isoWeek(at: Date, timeZone = 'Asia/Shanghai'): string {
  const [year, month, day] = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at).split('-').map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  // the week belongs to the year of its Thursday
  const weekday = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - weekday);
  const firstOfYear = Date.UTC(date.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((date.getTime() - firstOfYear) / 86_400_000 + 1) / 7);
  return `${date.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

export const ISO_WEEK = /^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/;
