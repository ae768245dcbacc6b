/** When a failed delivery is tried again, and when the subscription gives up. */
export interface RetrySchedule {
  /** the waits after the 1st, 2nd, ... failed attempt, in seconds; after the last, the subscription is disabled */
  delaysSeconds: readonly number[];
  /** each wait is moved by up to this share either way (0-1), so that many retries do not fall at once */
  jitter: number;
}

/** Standard Webhooks' (Svix's) schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; eight attempts over about 27 h. */
export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = { delaysSeconds: [5, 300, 1800, 7200, 18000, 36000, 36000], jitter: 0.2 };

/**
 * When the next attempt is due after `attempts` failed ones, or `undefined` when the schedule is spent
 * (the delivery has failed for good). `random` is in [0, 1): Math.random in service, fixed in tests.
 */
export function nextAttemptAt(failedAttempts: number, at: Date, schedule: RetrySchedule, random: number): Date | undefined {
  const delay = schedule.delaysSeconds[failedAttempts - 1];
  if (delay === undefined) return undefined;
  const jittered = delay * (1 + schedule.jitter * (2 * random - 1));
  return new Date(at.getTime() + Math.round(jittered * 1000));
}
