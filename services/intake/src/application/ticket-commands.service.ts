import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock, eventCatalogue, RecordedEvent, TicketEvent } from '@support/contracts';
import { reject, Rejection } from '@support/decider';
import {
  AppendPipeline,
  CommandBuilder,
  CommandContext,
  CommandHandler,
  CommandOutcome,
  commitChanges,
  DecidedChange,
  DecideOptions,
  IdempotencyStore,
  keyedGroupCommit,
  OnceOutcome,
} from '@support/command-handling';
import { activeTraceContext } from '@support/messaging';
import { CLOCK } from '@support/service-kit';
import { CustomerAggregate, customerDecider, CustomerCommand, OpenTicket, Ticket, TicketAggregate, TicketCommand, ticketDecider, ticketExists } from '../domain';
import { CustomerDirectory, CustomerRecord, sharesContact } from '../persistence/customer-directory.repository';
import { TicketViewRepository } from '../persistence/ticket-view.repository';
import { inContractorScope } from './contractor-scope';

export const TICKET_STREAM = 'ticket';
export const CUSTOMER_STREAM = 'customer';

export type OpenTicketInput = Omit<OpenTicket, 'type' | 'ticketId' | 'customerId' | 'actor' | 'at'>;

/** the answer to opening a ticket, stored with its Idempotency-Key */
export interface OpenedTicket {
  id: string;
  state: string;
  version: number;
}

export type OpenOutcome = OnceOutcome<OpenedTicket, Rejection>;
export type OpenedOrRefused = { status: number; body: OpenedTicket } | { refused: Rejection };

const OPEN_SCOPE = 'open-ticket';

/**
 * Ticket commands on the libs' command path (CommandHandler: load, decide, append through intake's
 * pipeline, which seals personal data and fills the outbox, save the ticket view), and the opening of
 * tickets, which registers customers seen for the first time and shares transactions (group commit).
 */
@Injectable()
export class TicketCommands {
  readonly tickets: CommandHandler<TicketCommand, TicketEvent, TicketAggregate, Ticket>;
  readonly customerStreams: CommandHandler<CustomerCommand, CustomerEventOf, CustomerAggregate, RegisteredCustomer>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly pipeline: AppendPipeline,
    private readonly views: TicketViewRepository,
    private readonly customers: CustomerDirectory,
    @Inject(CLOCK) clock: Clock,
    private readonly idempotency: IdempotencyStore,
  ) {
    this.tickets = new CommandHandler(pipeline, clock, {
      streamType: TICKET_STREAM,
      decider: ticketDecider,
      exists: ticketExists,
      saveView: (m, ticket, version) => views.save(m, ticket, version),
      eventOf: asTicketEvent,
    });
    this.customerStreams = new CommandHandler(pipeline, clock, {
      streamType: CUSTOMER_STREAM,
      decider: customerDecider,
      exists: (state): state is RegisteredCustomer => state.state !== 'none',
    });
  }

  /**
   * Opens a ticket, registering the customer on first contact; honours Idempotency-Key. Tickets opened
   * at the same time share a transaction (group commit), each answered as if it had been alone.
   */
  async open(input: OpenTicketInput, context: CommandContext, idempotencyKey?: string): Promise<OpenOutcome> {
    // the caller's trace, taken now: the group is written in the context of whichever request leads it
    const trace = context.trace ?? activeTraceContext();
    return this.openings.submit({ input, context: trace ? { ...context, trace } : context, idempotencyKey });
  }

  private readonly openings = keyedGroupCommit<OpenTicketInput, OpenedTicket, Rejection>({
    dataSource: this.dataSource,
    idempotency: this.idempotency,
    operation: OPEN_SCOPE,
    createAll: (manager, openings) => this.openAllIn(manager, openings),
  });

  /** Runs a command on an existing ticket in a transaction of its own (read again on a race, without If-Match). */
  execute(ticketId: string, command: (at: Date) => TicketCommand, context: CommandContext): Promise<CommandOutcome<Ticket>> {
    return this.tickets.handle(this.dataSource, ticketId, command, context, this.inScope(ticketId, context));
  }

  /**
   * Runs a command inside the caller's transaction (a reactor's, with its inbox row). Given several, each
   * is decided on the state the previous left; a refused follow-up is skipped (the first must succeed).
   */
  executeIn(manager: EntityManager, ticketId: string, command: CommandBuilder<TicketCommand>, context: CommandContext): Promise<CommandOutcome<Ticket>> {
    return this.tickets.handleIn(manager, ticketId, command, context, { ...this.inScope(ticketId, context), onRefused: 'skip-follow-ups' });
  }

  /** a contractor acts only on tickets dispatched to them, checked on the state this transaction appends to */
  private inScope(ticketId: string, context: CommandContext): DecideOptions<TicketAggregate> {
    return { guard: (state) => (inContractorScope(ticketExists(state) ? state : undefined, context.actor) ? undefined : reject('not-found', `ticket ${ticketId} not found`)) };
  }

  /** Opens a ticket inside the caller's transaction (a reactor's). */
  async openIn(manager: EntityManager, input: OpenTicketInput, context: CommandContext): Promise<OpenedOrRefused> {
    const [outcome] = await this.openAllIn(manager, [{ input, context }]);
    return outcome;
  }

  /**
   * Opens several tickets inside the caller's transaction, in a fixed number of
   * statements however many there are: their contacts locked together, their customers looked up
   * together, one append for every new stream, one write per table. A customer new to this group is
   * registered once, by the first ticket that names them. Outcomes are in the order given.
   */
  async openAllIn(manager: EntityManager, openings: ReadonlyArray<{ input: OpenTicketInput; context: CommandContext }>): Promise<OpenedOrRefused[]> {
    const contacts = openings.map(({ input }) => input.customer);
    await this.customers.lockContacts(manager, contacts);
    const known = await this.customers.findByContacts(manager, contacts);
    const registering: Array<CustomerRecord & { change: DecidedChange<RegisteredCustomer> }> = [];
    const tickets: Array<DecidedChange<Ticket>> = [];
    const outcomes: Array<OpenedOrRefused | { ticketId: string }> = [];
    for (const [index, { input, context }] of openings.entries()) {
      const customer = known[index] ?? registering.find((record) => sharesContact(record, input.customer));
      const customerId = customer?.id ?? randomUUID();
      const ticketId = randomUUID();
      // the ticket views are written together below, not one by one
      const opened = this.tickets.decideNew(ticketId, (at) => ({ type: 'OpenTicket', ticketId, customerId, actor: context.actor, at, ...input }), context, { saveView: false });
      if (!('request' in opened)) {
        outcomes.push({ refused: opened as Rejection });
        continue;
      }
      if (!customer) {
        const change = this.customerStreams.decideNew(customerId, (at) => ({ type: 'RegisterCustomer', customerId, customer: input.customer, actor: context.actor, at }), context);
        if (!('request' in change)) throw new Error(`customer ${customerId} could not be registered: ${change.reason}`);
        registering.push({ id: customerId, ...input.customer, registeredAt: change.request.events[0].occurredAt.toISOString(), change });
      }
      tickets.push(opened);
      outcomes.push({ ticketId });
    }
    const committed = await commitChanges<unknown>(manager, this.pipeline, [...registering.map((r) => r.change), ...tickets]);
    if (!committed.ok) throw new Error(`a new stream already existed: ${committed.reason}`);
    await this.customers.registerAll(
      manager,
      registering.map(({ change: _, ...record }) => record),
    );
    const opened = committed.entities.slice(registering.length).map((ticket, i) => ({ ticket: ticket as Ticket, version: tickets[i].version }));
    await this.views.saveAll(manager, opened);
    const byId = new Map(opened.map(({ ticket, version }) => [ticket.id, { status: 201, body: { id: ticket.id, state: ticket.state, version } }]));
    return outcomes.map((outcome) => ('ticketId' in outcome ? byId.get(outcome.ticketId)! : outcome));
  }
}

type CustomerEventOf = Parameters<typeof customerDecider.evolve>[1];
type RegisteredCustomer = Exclude<CustomerAggregate, { state: 'none' }>;

export function asTicketEvent(event: RecordedEvent): TicketEvent {
  if (!eventCatalogue.has(event.type)) throw new Error(`unknown event type in a ticket stream: ${event.type}`);
  return { type: event.type, data: event.data } as TicketEvent;
}
