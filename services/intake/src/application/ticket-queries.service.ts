import { Injectable } from '@nestjs/common';
import { SubjectKeys, openAt } from '@support/personal-data';
import { DataSource } from 'typeorm';
import { Actor } from '@support/contracts';
import { auditTrail, EventStore } from '@support/event-store';
import { CustomerDirectory, CustomerRecord } from '../persistence/customer-directory.repository';
import { mapPage, Page, PageRequest } from '@support/service-kit';
import { TicketCursor, TicketFilter, TicketView, TicketViewRepository } from '../persistence/ticket-view.repository';
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

  async page(filter: TicketFilter, page: PageRequest<TicketCursor>, actor: Actor): Promise<Page<TicketSeen>> {
    // contractors list only what was dispatched to them (see inContractorScope)
    const scoped = actor.role === 'contractor' ? { ...filter, assignee: actor.id, assigneeRole: 'contractor' } : filter;
    const tickets = await this.views.page(this.dataSource, scoped, page);
    return mapPage(tickets, async (items) => (await this.opened(items)).map((item) => ticketSeenBy(actor.role, item)));
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
