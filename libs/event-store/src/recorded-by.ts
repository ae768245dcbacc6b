import { RecordedEvent } from '@support/contracts';

/**
 * A stream as it stood at an instant: its events in version order up to the first one that happened
 * after it (`occurredAt`, the time the service's clock gave the event, as its history shows it). A
 * prefix, not a filter: a fold applies events in stream order, so an event is never taken without the
 * ones recorded before it. Pure: a time-travel read and a replay cut streams the same way.
 */
export function recordedBy<E extends Pick<RecordedEvent, 'occurredAt' | 'version'>>(stream: readonly E[], at: Date): E[] {
  const cut: E[] = [];
  for (const event of stream) {
    // a stream starts at version 1; a gap means events before it were left out (a read already cut by time): stop there too
    const expected = cut.length + 1;
    if (event.occurredAt.getTime() > at.getTime() || event.version !== expected) break;
    cut.push(event);
  }
  return cut;
}
