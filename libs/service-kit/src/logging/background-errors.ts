import { Logger } from 'pino';
import { isTransientError } from '@support/event-store';
import type { EventPosition } from '@support/messaging';

/** Where a failure of background work happened: a consumer names the event; the relay and schedulers give nothing. */
export type BackgroundErrorHandler = (error: unknown, where?: EventPosition) => void;

/**
 * Logs each failure of a service's background work (relay, consumers, schedulers) as one line: a failure
 * retried until it passes (a deadlock, a version conflict) is a warning, anything else an error. A consumer's
 * line carries the event's topic, partition, offset, id and type.
 */
export function logBackgroundErrors(logger: Logger): BackgroundErrorHandler {
  return (error, where) => {
    const fields = { err: error, ...eventFieldsOf(where) };
    if (isTransientError(error)) logger.warn(fields, 'background retry');
    else logger.error(fields, 'background error');
  };
}

/** the log fields of a consumer's report; a group-level one (joining, restarting) has no partition of its own */
export function eventFieldsOf(where: EventPosition | undefined): Record<string, string | number> {
  if (!where) return {};
  if (where.partition < 0) return { topic: where.topic };
  const fields: Record<string, string | number> = { topic: where.topic, partition: where.partition, offset: where.offset };
  if (where.eventId !== undefined) fields.eventId = where.eventId;
  if (where.eventType !== undefined) fields.eventType = where.eventType;
  return fields;
}
