import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { startTracing, tracingWanted } from './start-tracing';
import { shutdownTracing, tracingStarted } from './tracing-state';

const ENDPOINT = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };

describe('tracing, started from the OTEL_* variables', () => {
  afterEach(shutdownTracing);

  it('is wanted when an exporter or an OTLP endpoint is named, unless the SDK is disabled or the exporter is none', () => {
    expect(tracingWanted({})).toBe(false);
    expect(tracingWanted({ OTEL_SERVICE_NAME: 'intake', OTEL_EXPORTER_OTLP_ENDPOINT: ' ' })).toBe(false);
    expect(tracingWanted(ENDPOINT)).toBe(true);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
    expect(tracingWanted({ OTEL_TRACES_EXPORTER: 'console' })).toBe(true);
    expect(tracingWanted({ ...ENDPOINT, OTEL_SDK_DISABLED: 'TRUE' })).toBe(false);
    expect(tracingWanted({ ...ENDPOINT, OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
  });

  it.each([{}, { ...ENDPOINT, OTEL_SDK_DISABLED: 'true' }])('is off with %j: nothing registered, no span recorded, no context kept, nothing to propagate', (env) => {
    expect(startTracing('intake', { env })).toBeUndefined();
    expect(tracingStarted()).toBe(false);
    const span = trace.getTracer('probe').startSpan('probe');
    expect(span.isRecording()).toBe(false);
    // no context manager: a context entered is not the active one inside
    context.with(trace.setSpan(context.active(), span), () => expect(context.active()).toBe(ROOT_CONTEXT));
    expect(propagation.fields()).toEqual([]);
    span.end();
  });

  it('is on with span processors given (a test’s in-memory exporter): spans of the service are exported, and shut down it unregisters', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = startTracing('intake', { env: {}, spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    expect(tracing).toBeDefined();
    expect(tracingStarted()).toBe(true);
    expect(propagation.fields()).toContain('traceparent');
    trace.getTracer('probe').startActiveSpan('probe', (span) => {
      expect(trace.getActiveSpan()).toBe(span);
      span.end();
    });
    // exported once the resource's detectors have answered
    for (let tries = 0; exporter.getFinishedSpans().length === 0 && tries < 100; tries++) await new Promise((resolve) => setTimeout(resolve, 10));
    const [exported] = exporter.getFinishedSpans();
    expect(exported.name).toBe('probe');
    expect(exported.resource.attributes['service.name']).toBe('intake');
    await shutdownTracing();
    expect(tracingStarted()).toBe(false);
    expect(trace.getTracer('probe').startSpan('after').isRecording()).toBe(false);
  });
});
