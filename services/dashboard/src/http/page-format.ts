// formatting the page needs, as pure functions: the page's script is served with their source (see
// dashboard.page.ts), so what the unit tests check is what the browser runs. Each must be
// self-contained (no imports, no helpers outside it) and plain enough for any browser.

/**
 * A duration for people, in its two largest units, truncated: `3 d 4 h`, `2 h 05 min`, `4 min 02 s`,
 * `9 s`; a negative one (past due) with a leading `-`.
 */
export function humanDuration(seconds: number): string {
  const sign = seconds < 0 ? '-' : '';
  const total = Math.floor(Math.abs(seconds));
  const days = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = total % 60;
  const two = (n: number) => (n < 10 ? '0' : '') + n;
  if (days > 0) return sign + days + ' d ' + hours + ' h';
  if (hours > 0) return sign + hours + ' h ' + two(minutes) + ' min';
  if (minutes > 0) return sign + minutes + ' min ' + two(rest) + ' s';
  return sign + rest + ' s';
}

/** An instant (ISO) as the team reads it on a wall clock in its time zone: `2031-03-03 09:00`; empty when there is none. */
export function teamTime(iso: string | null | undefined, timeZone: string): string {
  const at = iso ? new Date(iso) : undefined;
  if (!at || Number.isNaN(at.getTime())) return '';
  const parts: Record<string, string> = {};
  const format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
  for (const part of format.formatToParts(at)) parts[part.type] = part.value;
  return parts.year + '-' + parts.month + '-' + parts.day + ' ' + parts.hour + ':' + parts.minute;
}
