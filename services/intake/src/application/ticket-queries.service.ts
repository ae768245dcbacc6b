import { Injectable } from '@nestjs/common';
import { SubjectKeys, openAt } from '@support/personal-data';
import { DataSource } from 'typeorm';
import { Actor, RecordedEvent, TicketEvent } from '@support/contracts';
import { auditTrail, EventStore, recordedBy } from '@support/event-store';
import { CustomerDirectory, CustomerRecord } from '../persistence/customer-directory.repository';
import { AsOfMark, mapPage, Page, PageRequest } from '@support/service-kit';
import { foldTicket, ticketExists } from '../domain';
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
    return this.historySeen(ticket, await this.store.readStream(this.dataSource, ticketId), actor, order);
  }

  /** {@link ticket} as it stood at `at`, folded from its events recorded up to then; null when it did not exist yet (or not for them) */
  async ticketAsOf(ticketId: string, actor: Actor, at: Date): Promise<{ ticket: TicketSeen; mark: AsOfMark } | null> {
    const past = await this.pastTicket(ticketId, actor, at);
    if (!past) return null;
    const [opened] = await this.opened([past.ticket]);
    return { ticket: ticketSeenBy(actor.role, opened), mark: past.mark };
  }

  /** {@link history} cut at `at`: the steps recorded up to then */
  async historyAsOf(ticketId: string, actor: Actor, at: Date, order: HistoryOrder = 'recorded'): Promise<{ history: TicketHistoryEntry[]; mark: AsOfMark } | null> {
    const past = await this.pastTicket(ticketId, actor, at);
    if (!past) return null;
    return { history: await this.historySeen(past.ticket, past.events, actor, order), mark: past.mark };
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

  /**
   * The ticket folded by intake's own evolve from its stream cut at `at` (marked with the instant and the
   * last seq), with the scope of the present: a contractor reads the past of a ticket dispatched to them
   * now, and only back to when it was theirs.
   */
  private async pastTicket(ticketId: string, actor: Actor, at: Date): Promise<{ ticket: TicketView; events: RecordedEvent[]; mark: AsOfMark } | null> {
    // only a contractor's scope depends on the present (the assignee now); for the others the fold says whether it existed
    if (actor.role === 'contractor' && !(await this.visibleTicket(ticketId, actor))) return null;
    const events = recordedBy(await this.store.readStream(this.dataSource, ticketId), at);
    const state = foldTicket(events as unknown as TicketEvent[]);
    if (!ticketExists(state) || !inContractorScope(state, actor)) return null;
    const version = events.length;
    return { ticket: { ...state, version }, events, mark: { at, position: version } };
  }

  // the history as the actor may see it: personal data opened with the customer's key, then masked or without prices by role
  private async historySeen(ticket: TicketView, events: RecordedEvent[], actor: Actor, order: HistoryOrder): Promise<TicketHistoryEntry[]> {
    const key = (await this.keys.keysOf(this.dataSource, [ticket.customerId])).get(ticket.customerId);
    const history = auditTrail(events).map((entry, i) => ({ ...historyEntryOf(entry, events[i]), data: openAt(entry.data, personalDataOf(entry.type), key) }));
    return historySeenBy(actor.role, historyInOrder(history, order));
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
