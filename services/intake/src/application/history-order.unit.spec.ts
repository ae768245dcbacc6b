import { AuditEntry } from '@support/event-store';
import { historyEntryOf, historyInOrder, TicketHistoryEntry } from './history-order';

const entry = (seq: number, at: string, occurredAt = at): TicketHistoryEntry => ({
  id: `e-${seq}`,
  seq,
  type: 'support.ticket.field-service-recorded.v2',
  at,
  occurredAt,
  actor: { id: 'field-service', role: 'service' },
  data: {},
  causationId: `c-${seq}`,
  correlationId: null,
  prevHash: '0'.repeat(64),
  hash: '1'.repeat(64),
});

describe('the order of a ticket history', () => {
  // a sheet step recorded before a visit step that happened earlier: two topics, no order between them
  const recorded = [
    entry(1, '2025-03-04T02:00:00.000Z'),
    entry(2, '2025-03-04T02:00:01.000Z', '2025-03-04T01:50:00.000Z'),
    entry(3, '2025-03-04T02:00:02.000Z', '2025-03-04T01:40:00.000Z'),
    entry(4, '2025-03-04T02:00:03.000Z', '2025-03-04T01:50:00.000Z'),
  ];

  it('is the order intake recorded it by default (seq)', () => {
    expect(historyInOrder([...recorded].reverse(), 'recorded').map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it('is by when each step happened at its source with ?order=occurred, seq breaking ties', () => {
    expect(historyInOrder(recorded, 'occurred').map((e) => e.seq)).toEqual([3, 2, 4, 1]);
  });

  it("carries the causing event's time, or the entry's own for an event stored without one", () => {
    const { occurredAt: _, ...stored }: AuditEntry & { occurredAt?: string } = entry(5, '2025-03-04T03:00:00.000Z');
    expect(historyEntryOf(stored, { metadata: { actor: { id: 'field-service', role: 'service' }, causationOccurredAt: '2025-03-04T01:00:00.000Z' } }).occurredAt).toBe(
      '2025-03-04T01:00:00.000Z',
    );
    expect(historyEntryOf(stored, { metadata: { actor: { id: 'agent-li', role: 'agent' } } }).occurredAt).toBe('2025-03-04T03:00:00.000Z');
  });
});
