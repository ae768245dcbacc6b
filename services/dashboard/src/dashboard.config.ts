import { TEAM_TIME_ZONE } from '@support/contracts';

/**
 * The team's time zone from `TEAM_TIME_ZONE` (an IANA name; default Asia/Shanghai): the dashboard's
 * reporting weeks and the times its page shows. Throws, naming the variable, on a zone Intl does not know.
 */
export function teamTimeZoneFrom(env: Record<string, string | undefined>): string {
  const value = env.TEAM_TIME_ZONE?.trim();
  if (!value) return TEAM_TIME_ZONE;
  try {
    // the canonical spelling ("asia/shanghai" -> "Asia/Shanghai"), for the page and the reports
    return new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    throw new Error(`TEAM_TIME_ZONE must be an IANA time zone, e.g. ${TEAM_TIME_ZONE} (it is "${value}")`);
  }
}
