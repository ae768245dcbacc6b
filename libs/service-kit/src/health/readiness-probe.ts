/**
 * One dependency `/health/ready` waits for. `check()` resolves when the dependency answers and
 * rejects (or never settles; it is timed out) when it does not.
 */
export interface ReadinessProbe {
  readonly name: string;
  check(): Promise<void>;
}

/** A consumer group member of the service, as `/health/ready` reports it (it does not wait for it). */
export interface ConsumerGroupStatus {
  readonly groupId: string;
  readonly joined: boolean;
}

/** Injection token for the service's {@link ConsumerGroupStatus}es (optional). */
export const CONSUMER_GROUPS = Symbol('CONSUMER_GROUPS');

/** Injection token for the `ReadinessProbe[]` that `/health/ready` runs. */
export const READINESS_PROBES = Symbol('READINESS_PROBES');

/** Rejects with `message` when `promise` has not settled within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
