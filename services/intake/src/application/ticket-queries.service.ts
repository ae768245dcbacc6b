import { Injectable } from '@nestjs/common';
import { SubjectKeys, openAt } from '@support/personal-data';
import { DataSource } from 'typeorm';
import { Actor } from '@support/contracts';
import { notUuid, validDate } from '@support/decider';
import { auditTrail, EventStore } from '@support/event-store';
import { CustomerDirectory, CustomerRecord } from '../persistence/customer-directory.repository';
import { TicketPageQuery, TicketView, TicketViewRepository } from '../persistence/ticket-view.repository';
import { HistoryOrder, historyEntryOf, historyInOrder, TicketHistoryEntry } from './history-order';
import { personalDataOf, TICKET_VIEW_PERSONAL_DATA } from './personal-data/personal-data.pointers';
import { inContractorScope } from './contractor-scope';
import { customerSeenBy, historySeenBy, TicketSeen, ticketSeenBy } from './ticket-reading.policy';
import { StreamAudit } from './stream-audit';

/**
 * Every read of tickets and customers: the scope check, then the personal data opened with the
 * customer's key (`[erased]` once it is destroyed), then what the reader's role may see.
 */
@Injectable()
export class TicketQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly views: TicketViewRepository,
    private readonly customers: CustomerDirectory,
    private readonly keys: SubjectKeys,
    private readonly audit: StreamAudit,
  ) {}

  /** the ticket as the actor may see it, or null when it does not exist for them */
  async ticket(ticketId: string, actor: Actor): Promise<TicketSeen | null> {
    const ticket = await this.visibleTicket(ticketId, actor);
    if (!ticket) return null;
    const [opened] = await this.opened([ticket]);
    return ticketSeenBy(actor.role, opened);
  }

  async page(query: TicketPageQuery, actor: Actor): Promise<{ items: TicketSeen[]; nextCursor: string | null }> {
    // contractors list only what was dispatched to them (see inContractorScope)
    const scoped = actor.role === 'contractor' ? { ...query, assignee: actor.id, assigneeRole: 'contractor' } : query;
    const items = await this.views.page(this.dataSource, scoped);
    const last = items[items.length - 1];
    const nextCursor = items.length === query.limit && last ? encodeCursor({ receivedAt: last.receivedAt, ticketId: last.id }) : null;
    return { items: (await this.opened(items)).map((item) => ticketSeenBy(actor.role, item)), nextCursor };
  }

  /** the ticket's history in the order intake recorded it, or in the order its steps happened (see history-order.ts) */
  async history(ticketId: string, actor: Actor, order: HistoryOrder = 'recorded'): Promise<TicketHistoryEntry[] | null> {
    const ticket = await this.visibleTicket(ticketId, actor);
    if (!ticket) return null;
    const key = (await this.keys.keysOf(this.dataSource, [ticket.customerId])).get(ticket.customerId);
    const events = await this.store.readStream(this.dataSource, ticketId);
    const history = auditTrail(events).map((entry, i) => ({ ...historyEntryOf(entry, events[i]), data: openAt(entry.data, personalDataOf(entry.type), key) }));
    return historySeenBy(actor.role, historyInOrder(history, order));
  }

  /** the chain recomputed and held against the latest signed anchor of it (see StreamAudit) */
  async verify(ticketId: string, actor: Actor) {
    if (!(await this.visibleTicket(ticketId, actor))) return null;
    return this.audit.verify(this.dataSource, ticketId);
  }

  /** the customer's record and every ticket with its full history, oldest ticket first */
  async customerHistory(customerId: string, actor: Actor): Promise<{ customer: CustomerRecord; tickets: Array<TicketSeen & { history: TicketHistoryEntry[] }> } | null> {
    const customer = await this.customers.get(this.dataSource, customerId);
    if (!customer || actor.role === 'contractor') return null;
    const tickets = await this.opened(await this.views.ofCustomer(this.dataSource, customerId));
    const withHistory = await Promise.all(tickets.map(async (ticket) => ({ ...ticketSeenBy(actor.role, ticket), history: (await this.history(ticket.id, actor)) ?? [] })));
    return { customer: customerSeenBy(actor.role, customer), tickets: withHistory };
  }

  private async visibleTicket(ticketId: string, actor: Actor): Promise<TicketView | null> {
    const ticket = await this.views.get(this.dataSource, ticketId);
    // to a contractor, a ticket not dispatched to them does not exist
    return ticket && inContractorScope(ticket, actor) ? ticket : null;
  }

  /** the views with their customers' personal data opened, one key lookup for all */
  private async opened(tickets: TicketView[]): Promise<TicketView[]> {
    const keys = await this.keys.keysOf(
      this.dataSource,
      tickets.map((ticket) => ticket.customerId),
    );
    return tickets.map((ticket) => openAt(ticket, TICKET_VIEW_PERSONAL_DATA, keys.get(ticket.customerId)) as TicketView);
  }
}

export function encodeCursor(cursor: { receivedAt: string; ticketId: string }): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(text: string): { receivedAt: string; ticketId: string } | null {
  try {
    const cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    // both go into the query as timestamptz and uuid: anything else (a 31 February too) is the caller's mistake, not a 500
    const valid = isIsoTime(cursor?.receivedAt) && notUuid(cursor?.ticketId, 'ticketId') === undefined;
    return valid ? { receivedAt: cursor.receivedAt, ticketId: cursor.ticketId } : null;
  } catch {
    return null;
  }
}

/** a time exactly as `Date.toISOString` writes it, as the cursors this endpoint hands out carry it */
function isIsoTime(value: unknown): value is string {
  const time = typeof value === 'string' ? new Date(value) : undefined;
  return validDate(time) && time.toISOString() === value;
}
