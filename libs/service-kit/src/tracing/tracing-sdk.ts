import { context, propagation, trace } from '@opentelemetry/api';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { SpanProcessor } from '@opentelemetry/sdk-trace';

/**
 * OpenTelemetry's Node SDK with the kit's instrumentations, started; what stops it. Loaded only when
 * tracing is on (see start-tracing.ts): the SDK and its exporters are some 450 modules.
 */
export function startSdk(serviceName: string | undefined, spanProcessors: SpanProcessor[] | undefined): () => Promise<void> {
  const instrumentations = [
    // outgoing calls carry traceparent; incoming requests get their span from the kit (traced-requests.ts)
    new HttpInstrumentation({ disableIncomingRequestInstrumentation: true }),
    // the statement's text, never its values (they may be personal data); only within a traced request or
    // event, not the relay's and consumers' polling
    new PgInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true }),
  ];
  const sdk = new NodeSDK({
    ...(serviceName ? { serviceName } : {}),
    instrumentations,
    spanProcessors,
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  return async () => {
    await sdk.shutdown();
    for (const instrumentation of instrumentations) instrumentation.disable();
    trace.disable();
    propagation.disable();
    context.disable();
  };
}
