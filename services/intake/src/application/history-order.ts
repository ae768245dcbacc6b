import { RecordedEvent } from '@support/contracts';
import { AuditEntry } from '@support/event-store';

// A ticket's history is in the order intake recorded it (seq). Steps announced by other services come
// on several topics (visits, sheets, routing, SLA), which reach intake in no defined order between
// them: within one visit or one sheet the order holds, across them it does not. Each entry therefore
// carries when it happened at its source, and a reader asks for that order with `?order=occurred`.

export const HISTORY_ORDERS = ['recorded', 'occurred'] as const;
export type HistoryOrder = (typeof HISTORY_ORDERS)[number];

/** A history entry, with `occurredAt`: the causing event's time for a step another service announced, else `at`. */
export interface TicketHistoryEntry extends AuditEntry {
  occurredAt: string;
}

/** the entry of a stored event, with when it happened at its source (events stored before that was kept: `at`) */
export function historyEntryOf(entry: AuditEntry, event: Pick<RecordedEvent, 'metadata'>): TicketHistoryEntry {
  return { ...entry, occurredAt: event.metadata.causationOccurredAt ?? entry.at };
}

/** `recorded`: as stored (seq); `occurred`: by `occurredAt`, then seq (two steps of one instant keep intake's order) */
export function historyInOrder<Entry extends TicketHistoryEntry>(history: readonly Entry[], order: HistoryOrder): Entry[] {
  const bySeq = [...history].sort((a, b) => a.seq - b.seq);
  if (order === 'recorded') return bySeq;
  return bySeq.sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || a.seq - b.seq);
}
