import { ConsumedEvent } from '@support/messaging';

/**
 * The cause of a ticket event intake records in answer to another service's event: that event's id,
 * its correlation, and when it happened there (the history's `occurredAt`; intake may record it later,
 * and events of two topics reach intake in no defined order).
 */
export function causedBy(event: ConsumedEvent): { causationId: string; correlationId: string; causationOccurredAt?: string } {
  const time = Date.parse(event.time);
  return {
    causationId: event.id,
    correlationId: event.correlationId ?? event.id,
    // an event without a readable ce_time: the history falls back to when intake recorded it
    ...(Number.isNaN(time) ? {} : { causationOccurredAt: new Date(time).toISOString() }),
  };
}
