// apart from start-tracing.ts so that the kit can ask about tracing, and end it, without loading the SDK
let shutdowns: Array<() => Promise<void>> = [];

/** records started tracing and what ends it (see start-tracing.ts) */
export function onTracingShutdown(shutdown: () => Promise<void>): void {
  shutdowns.push(shutdown);
}

/** whether tracing was started in this process (the HTTP hooks that name spans are added only then) */
export function tracingStarted(): boolean {
  return shutdowns.length > 0;
}

/** Exports the spans tracing still holds and stops it: the last steps of a service's shutdown. Nothing when tracing is off. */
export async function shutdownTracing(): Promise<void> {
  const pending = shutdowns;
  shutdowns = [];
  await Promise.all(pending.map((shutdown) => shutdown().catch(() => undefined)));
}
