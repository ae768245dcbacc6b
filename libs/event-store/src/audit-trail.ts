import { RecordedEvent } from '@support/contracts';

/** One state change as the history endpoints show it (API.md). */
export interface AuditEntry {
  /** the event's id: what a later event names as its causationId */
  id: string;
  seq: number;
  type: string;
  at: string;
  actor: { id: string; role: string };
  data: unknown;
  causationId: string | null;
  correlationId: string | null;
  prevHash: string;
  hash: string;
}

/** a stream's events as its audit history, oldest first */
export function auditTrail(events: RecordedEvent[]): AuditEntry[] {
  return events.map((event) => ({
    id: event.id,
    seq: event.version,
    type: event.type,
    at: event.occurredAt.toISOString(),
    actor: { id: event.metadata.actor.id, role: event.metadata.actor.role },
    data: event.data,
    causationId: event.metadata.causationId ?? null,
    correlationId: event.metadata.correlationId ?? null,
    prevHash: event.prevHash,
    hash: event.hash,
  }));
}
