import { context, trace } from '@opentelemetry/api';
import pino, { DestinationStream, Logger } from 'pino';
import { currentRequestContext } from './request-context';

// one asynchronous stdout for every logger of the process: lines are written in batches off the request
// path, in order, never interleaved
let stdout: ReturnType<typeof pino.destination> | undefined;

function asyncStdout(): ReturnType<typeof pino.destination> {
  // pino flushes it synchronously on process.exit; a signal's exit is covered by flushLogs()
  stdout ??= pino.destination({ dest: 1, sync: false });
  return stdout;
}

/**
 * The root logger of a service: JSON lines (stdout, written asynchronously, unless `destination` is
 * given) carrying `service` and an ISO time, and, while a request is handled, its `requestId` and
 * `correlationId` (see request-context.ts), and, in a traced span, its `traceId` and `spanId`. Credentials that might slip into a logged object are redacted.
 */
export function createLogger(serviceName: string, level = 'info', destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: serviceName, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: () => withTraceIds(currentRequestContext() ?? {}),
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.secret'], censor: '[redacted]' },
    },
    destination ?? asyncStdout(),
  );
}

// the ids of the span active where a line is logged (none with tracing off), so a line leads to its trace
function withTraceIds(fields: object): object {
  const span = trace.getSpanContext(context.active());
  return span ? { ...fields, traceId: span.traceId, spanId: span.spanId } : fields;
}

/** Writes out what the loggers of {@link createLogger} still hold: the last step of a shutdown, before the process ends by its signal. */
export function flushLogs(): Promise<void> {
  const destination = stdout;
  if (!destination) return Promise.resolve();
  return new Promise((resolve) => destination.flush(() => resolve()));
}
