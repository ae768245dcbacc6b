import { eventCatalogue, eventsSeenBy, personalDataSeenBy, Role, withoutPrices } from '@support/contracts';
import { AuditEntry } from '@support/event-store';
import { CustomerRecord } from '../persistence/customer-directory.repository';
import { TicketView } from '../persistence/ticket-view.repository';
import { CUSTOMER_RECORD_PERSONAL_DATA, TICKET_VIEW_PERSONAL_DATA } from './personal-data/personal-data.pointers';

// what each role may read of tickets and customers, applied to every read endpoint after the scope check (pure):
// contractors never see prices, analysts see personal data masked, everyone else reads it all

/** A ticket as its reader sees it: for a contractor the quote keeps its outcome, never its terms. */
export type TicketSeen = Omit<TicketView, 'quote'> & { quote?: Partial<NonNullable<TicketView['quote']>> };

/**
 * Contractors never see prices (DOMAIN.md): the quote's amount, currency, note and decline reason are
 * removed (not nulled); its status stays, so they know whether work may start. Analysts see the
 * customer's name, phone and WeChat id masked.
 */
export function ticketSeenBy(role: Role, ticket: TicketView): TicketSeen {
  if (role === 'contractor' && ticket.quote) return { ...ticket, quote: { status: ticket.quote.status } };
  return personalDataSeenBy(role, ticket, TICKET_VIEW_PERSONAL_DATA);
}

/**
 * A ticket's history as its reader sees it: a contractor's without the fields the catalogue marks as
 * price, an analyst's with the fields it marks as personal data masked.
 */
export function historySeenBy<Entry extends AuditEntry>(role: Role, history: Entry[]): Entry[] {
  if (role === 'contractor') return history.map((entry) => ({ ...entry, data: withoutPrices(eventCatalogue, entry.type, entry.data) }));
  return eventsSeenBy(role, eventCatalogue, history);
}

/** A customer's record as its reader sees it: masked for analysts (contractors never read it). */
export function customerSeenBy(role: Role, customer: CustomerRecord): CustomerRecord {
  return personalDataSeenBy(role, customer, CUSTOMER_RECORD_PERSONAL_DATA);
}
