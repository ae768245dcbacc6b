import { context, propagation, trace } from '@opentelemetry/api';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { SpanProcessor } from '@opentelemetry/sdk-trace';
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
 * does nothing at all: no provider, no instrumentation, no context manager. The SDK reads the standard
 * `OTEL_*` variables itself (exporter, endpoint, protocol, headers, sampler, resource); the service name
 * is `OTEL_SERVICE_NAME`, else the service's. Traces only: metrics are Prometheus' (GET /metrics), logs
 * are stdout. Call it before anything loads `http` or `pg` (a service's main imports this first).
 */
export function startTracing(serviceName: string, options: TracingOptions = {}): Tracing | undefined {
  const env = options.env ?? process.env;
  if (!options.spanProcessors && !tracingWanted(env)) return undefined;
  const instrumentations = [
    // outgoing calls carry traceparent; incoming requests get their span from the kit (traced-routes.ts)
    new HttpInstrumentation({ disableIncomingRequestInstrumentation: true }),
    // the statement's text, never its values (they may be personal data); only within a traced request or
    // event, not the relay's and consumers' polling
    new PgInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true }),
  ];
  const sdk = new NodeSDK({
    ...(env.OTEL_SERVICE_NAME ? {} : { serviceName }),
    instrumentations,
    spanProcessors: options.spanProcessors,
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  const tracing = {
    async shutdown() {
      await sdk.shutdown();
      for (const instrumentation of instrumentations) instrumentation.disable();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
  onTracingShutdown(() => tracing.shutdown());
  return tracing;
}
