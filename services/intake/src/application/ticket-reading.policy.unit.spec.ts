import { AuditEntry } from '@support/event-store';
import { TicketView } from '../persistence/ticket-view.repository';
import { CustomerRecord } from '../persistence/customer-directory.repository';
import { customerSeenBy, historySeenBy, ticketSeenBy } from './ticket-reading.policy';

const ticket = {
  id: 't-1',
  state: 'in-progress',
  customerId: 'c-1',
  customer: { name: '王女士', phone: '+86 138 0013 8000' },
  quote: { amount: 28000, currency: 'CNY', note: '含上门费', status: 'accepted' },
  version: 7,
} as unknown as TicketView;

const entry = (type: string, data: object): AuditEntry => ({
  id: type,
  seq: 1,
  type,
  at: '2026-11-23T01:00:00.000Z',
  actor: { id: 'agent-1', role: 'agent' },
  data: { ticketId: 't-1', ...data },
  causationId: null,
  correlationId: null,
  prevHash: '0',
  hash: '1',
});

describe('what a role reads of a ticket', () => {
  it('shows a contractor the quote status only, and everyone else the whole quote', () => {
    expect(ticketSeenBy('contractor', ticket)).toEqual({ ...ticket, quote: { status: 'accepted' } });
    expect(ticketSeenBy('agent', ticket)).toBe(ticket);
    expect(ticketSeenBy('lead', ticket)).toBe(ticket);
  });

  it('leaves a ticket without a quote as it is', () => {
    const { quote: _, ...unquoted } = ticket;
    expect(ticketSeenBy('contractor', unquoted as TicketView)).toEqual(unquoted);
  });

  it("removes the price fields from a contractor's history, and only from theirs", () => {
    const history = [entry('support.ticket.quoted.v1', { amount: 28000, currency: 'CNY' }), entry('support.ticket.quote-accepted.v1', { amount: 28000, currency: 'CNY' })];
    expect(historySeenBy('contractor', history).map((e) => e.data)).toEqual([{ ticketId: 't-1' }, { ticketId: 't-1' }]);
    expect(historySeenBy('senior', history)).toBe(history);
  });

  it('masks the customer for an analyst in the ticket, its history and the customer record; a lead reads them clear', () => {
    expect(ticketSeenBy('analyst', ticket)).toEqual({ ...ticket, customer: { name: '王*', phone: '+86 138 ****8000' } });
    expect(ticketSeenBy('lead', ticket)).toBe(ticket);
    const received = entry('support.ticket.received.v1', { customerId: 'c-1', customer: { name: '王女士', wechat: 'wx_wang88' } });
    expect(historySeenBy('analyst', [received])[0].data).toEqual({ ticketId: 't-1', customerId: 'c-1', customer: { name: '王*', wechat: 'wx****88' } });
    expect(historySeenBy('lead', [received])[0]).toBe(received);
    const customer: CustomerRecord = { id: 'c-1', name: '王女士', phone: '13800138000', registeredAt: '2026-11-23T01:00:00.000Z' };
    expect(customerSeenBy('analyst', customer)).toEqual({ ...customer, name: '王*', phone: '138****8000' });
    expect(customerSeenBy('lead', customer)).toBe(customer);
  });
});
