import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { createLogger } from './create-logger';

describe('log lines and traces', () => {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('svc', 'info', { write: (line: string) => void lines.push(JSON.parse(line)) });
  const provider = new TracerProvider();

  beforeAll(() => {
    trace.setGlobalTracerProvider(provider);
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  });
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
  });

  it('carry the ids of the span they are logged in, and none outside a span', async () => {
    const span = trace.getTracer('probe').startSpan('handling');
    await context.with(trace.setSpan(context.active(), span), async () => {
      await new Promise((resolve) => setImmediate(resolve));
      logger.info('inside');
    });
    span.end();
    logger.info('outside');
    expect(lines[0]).toMatchObject({ msg: 'inside', traceId: span.spanContext().traceId, spanId: span.spanContext().spanId });
    expect(lines[1].msg).toBe('outside');
    expect(lines[1]).not.toHaveProperty('traceId');
    expect(lines[1]).not.toHaveProperty('spanId');
  });
});
