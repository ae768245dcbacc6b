/**
 * One dependency `/health/ready` waits for. `check()` resolves when the dependency answers and
 * rejects (or never settles; it is timed out) when it does not.
 */
export interface ReadinessProbe {
  readonly name: string;
  check(): Promise<void>;
}

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
