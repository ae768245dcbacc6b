import { recordedBy } from '@support/event-store';
import { TicketEvent } from '@support/contracts';
import { contractor, sampleEvent } from '../../test/fixtures/ticket.test-fixtures';
import { foldTicket, ticketExists } from './ticket.state';

// a time-travel read: the stream cut at an instant (libs/event-store recordedBy), folded by the ticket's own evolve
const at = (minute: number) => new Date(Date.UTC(2025, 2, 3, 2, minute));
const recorded = (events: TicketEvent[]) => events.map((event, i) => ({ ...event, version: i + 1, occurredAt: at(i * 10) }));
const asOf = (events: ReturnType<typeof recorded>, instant: Date) => foldTicket(recordedBy(events, instant));

describe('a ticket as of an instant', () => {
  const stream = recorded([
    sampleEvent('support.ticket.received.v1'),
    sampleEvent('support.ticket.dispatched-to-contractor.v1'),
    sampleEvent('support.ticket.contacted.v1'),
    sampleEvent('support.ticket.diagnosed.v1'),
    sampleEvent('support.ticket.quoted.v1', { amount: 31415 }),
    sampleEvent('support.ticket.quote-accepted.v1', { amount: 31415 }),
  ]);

  it('does not exist before it was received', () => {
    expect(ticketExists(asOf(stream, new Date(at(0).getTime() - 1)))).toBe(false);
  });

  it('is what its events up to and including the instant describe, whatever came after', () => {
    expect(asOf(stream, at(0))).toMatchObject({ state: 'received', reopenCount: 0 });
    expect(asOf(stream, at(0))).not.toHaveProperty('assignee');
    expect(asOf(stream, at(15))).toMatchObject({ state: 'assigned', assignee: { ...contractor, role: 'contractor' } });
    expect(asOf(stream, at(30))).toMatchObject({ state: 'diagnosed', diagnosis: { difficulty: 'common' } });
    expect(asOf(stream, at(30))).not.toHaveProperty('quote');
    expect(asOf(stream, at(40))).toMatchObject({ state: 'quoted', quote: { amount: 31415, status: 'pending' } });
    expect(asOf(stream, at(59))).toMatchObject({ state: 'in-progress', quote: { status: 'accepted' } });
  });

  it('equals the fold of the whole stream once the instant is past its last event', () => {
    expect(asOf(stream, at(60))).toEqual(foldTicket(stream));
  });
});
