import { isTransientError, TransientFailure } from '@support/event-store';
import { BatchControl, RetrySettings } from './consumer-options';

/** What onError hears about a transient failure: the event is tried again, not parked. */
export class TransientRetry extends TransientFailure {
  constructor(
    readonly failure: unknown,
    readonly attempt: number,
  ) {
    super(`transient failure, attempt ${attempt}, retrying: ${(failure as Error)?.message ?? failure}`);
  }
}

/** first and longest wait before a crashed consumer is started again (doubling in between) */
const RESTART_BACKOFF_MS = { first: 1000, max: 30_000 };

/** the wait before the next try to start a consumer, after `attempt` failed ones */
export function restartDelay(attempt: number): number {
  return Math.min(RESTART_BACKOFF_MS.first * 2 ** attempt, RESTART_BACKOFF_MS.max);
}

export interface RetryRun {
  /** hears every failure (a transient one as a {@link TransientRetry}) */
  report(error: unknown): void;
  /** a failure not worth retrying: parked at once */
  hopeless(error: unknown): boolean;
  /** the batch whose partition waits meanwhile */
  batch: BatchControl;
  /** the message of the error thrown when the consumer stops or loses the partition while retrying */
  stopped: string;
}

/**
 * Runs `attempt` until it passes: a transient failure for as long as it lasts (the partition waits, the
 * group keeps its heartbeat), any other up to `retries` more times. Resolves with the last failure when
 * the event is to be parked; throws when the consumer stops or loses the partition meanwhile.
 */
export async function retryUntilSettled(attempt: () => Promise<void>, settings: RetrySettings, run: RetryRun): Promise<{ failure: unknown } | undefined> {
  const retries = settings.retries ?? 3;
  const backoffMs = settings.backoffMs ?? 200;
  const maxBackoffMs = settings.maxBackoffMs ?? 5_000;
  for (let tried = 0, failures = 0; ; tried++) {
    try {
      await attempt();
      return undefined;
    } catch (error) {
      const transient = isTransientError(error);
      run.report(transient ? new TransientRetry(error, tried + 1) : error);
      if (!transient) failures++;
      if (run.hopeless(error) || failures > retries) return { failure: error };
      await sleep(Math.min(backoffMs * 2 ** Math.min(tried, 20), maxBackoffMs));
      if (!run.batch.isRunning()) throw new Error(run.stopped);
      await run.batch.heartbeat();
    }
  }
}

export function sleep(ms: number, { unref = false } = {}): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    // a restart waiting for its turn must not keep a stopping process alive
    if (unref) timer.unref();
  });
}
