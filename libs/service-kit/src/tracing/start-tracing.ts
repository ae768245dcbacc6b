import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import { onTracingShutdown } from './tracing-state';

/** the variables that ask for traces to be exported (OpenTelemetry's own); with none of them set, tracing is off */
export const TRACING_VARIABLES = ['OTEL_TRACES_EXPORTER', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] as const;

/** Whether the environment asks for traces: one of {@link TRACING_VARIABLES} set, and neither `OTEL_SDK_DISABLED=true` nor `OTEL_TRACES_EXPORTER=none`. */
export function tracingWanted(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  if (env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none') return false;
  return TRACING_VARIABLES.some((name) => (env[name] ?? '').trim() !== '');
}

export interface TracingOptions {
  env?: NodeJS.ProcessEnv;
  /** where spans go instead of the exporter the environment names (a test's in-memory exporter); given, tracing is on */
  spanProcessors?: SpanProcessor[];
}

/** Started tracing: shut down, it exports what it holds and unregisters itself. */
export interface Tracing {
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry for a service when the environment asks for it (see {@link tracingWanted}), else
 * does nothing at all: no provider, no instrumentation, no context manager, not even the SDK loaded. The
 * SDK reads the standard `OTEL_*` variables itself (exporter, endpoint, protocol, headers, sampler,
 * resource); the service name is `OTEL_SERVICE_NAME`, else the service's. Traces only: metrics are
 * Prometheus' (GET /metrics), logs are stdout. Call it before anything loads `http` or `pg` (a service's
 * main imports this first).
 */
export function startTracing(serviceName: string, options: TracingOptions = {}): Tracing | undefined {
  const env = options.env ?? process.env;
  if (!options.spanProcessors && !tracingWanted(env)) return undefined;
  // loaded here, not imported: a service without tracing never loads the SDK
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startSdk } = require('./tracing-sdk') as typeof import('./tracing-sdk');
  const shutdown = startSdk(env.OTEL_SERVICE_NAME ? undefined : serviceName, options.spanProcessors);
  onTracingShutdown(shutdown);
  return { shutdown };
}
