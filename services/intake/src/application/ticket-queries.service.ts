import { DataSource } from 'typeorm';
import { Actor } from '@support/contracts';
import { AuditEntry, auditTrail, EventStore } from '@support/event-store';
import { CustomerDirectory, CustomerRecord } from '../persistence/customer-directory.repository';
import { TicketPageQuery, TicketView, TicketViewRepository } from '../persistence/ticket-view.repository';

/** Contractors see only what was dispatched to them; to them anything else does not exist. */
export function visibleTo(ticket: TicketView, actor: Actor): boolean {
  return actor.role !== 'contractor' || ticket.assignee?.id === actor.id;
}

export class TicketQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly views: TicketViewRepository,
    private readonly customers: CustomerDirectory,
  ) {}

  async ticket(ticketId: string, actor: Actor): Promise<TicketView | null> {
    const ticket = await this.views.get(this.dataSource, ticketId);
    return ticket && visibleTo(ticket, actor) ? ticket : null;
  }

  async page(query: TicketPageQuery, actor: Actor): Promise<{ items: TicketView[]; nextCursor: string | null }> {
    const scoped = actor.role === 'contractor' ? { ...query, assignee: actor.id } : query;
    const items = await this.views.page(this.dataSource, scoped);
    const last = items[items.length - 1];
    const nextCursor = items.length === query.limit && last ? encodeCursor({ receivedAt: last.receivedAt, ticketId: last.id }) : null;
    return { items, nextCursor };
  }

  async history(ticketId: string, actor: Actor): Promise<AuditEntry[] | null> {
    if (!(await this.ticket(ticketId, actor))) return null;
    return auditTrail(await this.store.readStream(this.dataSource, ticketId));
  }

  async verify(ticketId: string, actor: Actor) {
    if (!(await this.ticket(ticketId, actor))) return null;
    return this.store.verifyStream(this.dataSource, ticketId);
  }

  /** the customer's record and every ticket with its full history, oldest ticket first */
  async customerHistory(customerId: string, actor: Actor): Promise<{ customer: CustomerRecord; tickets: Array<TicketView & { history: AuditEntry[] }> } | null> {
    const customer = await this.customers.get(this.dataSource, customerId);
    if (!customer || actor.role === 'contractor') return null;
    const tickets = (await this.views.page(this.dataSource, { customerId, limit: 1000 })).reverse();
    const withHistory = await Promise.all(tickets.map(async (ticket) => ({ ...ticket, history: (await this.history(ticket.id, actor)) ?? [] })));
    return { customer, tickets: withHistory };
  }
}

export function encodeCursor(cursor: { receivedAt: string; ticketId: string }): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(text: string): { receivedAt: string; ticketId: string } | null {
  try {
    const cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    return typeof cursor?.receivedAt === 'string' && typeof cursor?.ticketId === 'string' ? cursor : null;
  } catch {
    return null;
  }
}
