import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { EVENTING_METRICS } from '@support/messaging';

/** The registry `GET /metrics` serves; other libs and services register their metrics here. */
export const metricsRegistry = new Registry();

// the consumers' and the outbox relay's figures (libs/messaging, which has no registry of its own)
for (const metric of EVENTING_METRICS) metricsRegistry.registerMetric(metric);

/** Time from request to response, by method, Nest route pattern and status code. */
export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration in seconds, by method, route pattern and status code',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

let defaultsCollected = false;

/** Adds prom-client's process metrics (cpu, memory, event loop, gc) to the registry, once. */
export function collectProcessMetrics(): void {
  if (defaultsCollected) return;
  collectDefaultMetrics({ register: metricsRegistry });
  defaultsCollected = true;
}
