import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, Clock, envelopeOf, eventCatalogue, foldEvents, RecordedEvent, Rejection, TicketEvent } from '@support/contracts';
import { IdempotencyStore, OnceOutcome } from '@support/event-store';
import { OpenTicket, Ticket, TicketCommand, ticketDecider, ticketExists } from '../domain';
import { CustomerDirectory } from '../persistence/customer-directory.repository';
import { TicketViewRepository } from '../persistence/ticket-view.repository';
import { SealingEventStore } from './personal-data/sealing-event-store';

export const TICKET_STREAM = 'ticket';
export const CUSTOMER_STREAM = 'customer';

/** Where a command comes from: who, in answer to what, and the version the caller saw. */
export interface CommandContext {
  actor: Actor;
  /** If-Match: the version the caller decided on; absent = the current one (retried on a race) */
  expectedVersion?: number;
  causationId?: string;
  correlationId?: string;
}

export type CommandOutcome =
  | { ok: true; ticket: Ticket; version: number; events: RecordedEvent[] }
  | Rejection
  | { ok: false; code: 'version-conflict'; reason: string };

export type OpenTicketInput = Omit<OpenTicket, 'type' | 'ticketId' | 'customerId' | 'actor' | 'at'>;

/** the answer to opening a ticket, stored with its Idempotency-Key */
export interface OpenedTicket {
  id: string;
  state: string;
  version: number;
}

export type OpenOutcome = OnceOutcome<OpenedTicket, Rejection>;

const RACE_RETRIES = 3;

/**
 * Runs ticket commands: load the stream, decide, append with the expected version, and update
 * the ticket view, all in one transaction (the append first, as the event store requires). The
 * store seals the customer's personal data before it is recorded.
 */
export class TicketCommands {
  private readonly idempotency: IdempotencyStore;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: SealingEventStore,
    private readonly views: TicketViewRepository,
    private readonly customers: CustomerDirectory,
    private readonly clock: Clock,
    schema: string,
  ) {
    this.idempotency = new IdempotencyStore(schema);
  }

  /** Opens a ticket, registering the customer on first contact; honours Idempotency-Key. */
  async open(input: OpenTicketInput, context: CommandContext, idempotencyKey?: string): Promise<OpenOutcome> {
    return this.idempotency.once<OpenedTicket, Rejection>(this.dataSource, 'open-ticket', idempotencyKey, input, (manager) => this.openIn(manager, input, context));
  }

  /** Runs a command on an existing ticket in a transaction of its own. */
  async execute(ticketId: string, command: (at: Date) => TicketCommand, context: CommandContext): Promise<CommandOutcome> {
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.dataSource.transaction((manager) => this.executeIn(manager, ticketId, command, context));
      const raced = !outcome.ok && outcome.code === 'version-conflict' && context.expectedVersion === undefined;
      if (!raced || attempt >= RACE_RETRIES) return outcome;
    }
  }

  /**
   * Runs a command inside the caller's transaction (a reactor's, with its inbox row), before its other
   * writes. Given several, each is decided on the state the previous left; a refused follow-up is
   * skipped (the first must succeed), and all events are appended at once.
   */
  async executeIn(
    manager: EntityManager,
    ticketId: string,
    command: ((at: Date) => TicketCommand) | Array<(at: Date) => TicketCommand>,
    context: CommandContext,
  ): Promise<CommandOutcome> {
    const history = await this.store.readStream(manager, ticketId);
    const version = history.length;
    if (context.expectedVersion !== undefined && context.expectedVersion !== version) {
      return conflict(ticketId, context.expectedVersion, version);
    }
    const at = this.clock.now();
    let state = foldEvents(ticketDecider, history.map(asTicketEvent));
    const decided: TicketEvent[] = [];
    for (const [index, build] of (Array.isArray(command) ? command : [command]).entries()) {
      const decision = ticketDecider.decide(build(at), state);
      if (!decision.ok && index === 0) return decision;
      if (!decision.ok) continue;
      decided.push(...decision.events);
      state = decision.events.reduce(ticketDecider.evolve, state);
    }
    const appended = await this.store.append(manager, {
      streamType: TICKET_STREAM,
      streamId: ticketId,
      expectedVersion: version,
      events: decided.map((event) => envelopeOf(event, context, at)),
    });
    if (!appended.ok) return conflict(ticketId, version, appended.currentVersion);
    const ticket = foldEvents(ticketDecider, [...history, ...appended.events].map(asTicketEvent));
    if (!ticketExists(ticket)) throw new Error(`ticket ${ticketId} vanished while being changed`);
    await this.views.save(manager, ticket, appended.version);
    return { ok: true as const, ticket, version: appended.version, events: appended.events };
  }

  /** Opens a ticket inside the caller's transaction (a reactor's), as its first write. */
  async openIn(manager: EntityManager, input: OpenTicketInput, context: CommandContext): Promise<{ status: number; body: OpenedTicket } | { refused: Rejection }> {
    const at = this.clock.now();
    await this.customers.lockContacts(manager, input.customer);
    const known = await this.customers.findByContact(manager, input.customer);
    const customerId = known?.id ?? randomUUID();
    const ticketId = randomUUID();
    const decision = ticketDecider.decide({ type: 'OpenTicket', ticketId, customerId, actor: context.actor, at, ...input }, ticketDecider.initialState());
    if (!decision.ok) return { refused: decision };

    const requests = [];
    if (!known) {
      const registered = { type: 'support.customer.registered.v1', data: { customerId, ...input.customer } };
      requests.push({ streamType: CUSTOMER_STREAM, streamId: customerId, expectedVersion: 0, events: [envelopeOf(registered, context, at)] });
    }
    requests.push({ streamType: TICKET_STREAM, streamId: ticketId, expectedVersion: 0, events: decision.events.map((e) => envelopeOf(e, context, at)) });
    const results = await this.store.appendAll(manager, requests);
    const ticketResult = results[results.length - 1];
    if (!ticketResult.ok) throw new Error(`new ticket stream ${ticketId} already existed`);

    if (!known) await this.customers.register(manager, { id: customerId, ...input.customer, registeredAt: at.toISOString() });
    const ticket = foldEvents(ticketDecider, ticketResult.events.map(asTicketEvent)) as Ticket;
    await this.views.save(manager, ticket, ticketResult.version);
    return { status: 201, body: { id: ticketId, state: ticket.state, version: ticketResult.version } };
  }

}

function conflict(ticketId: string, expected: number, current: number) {
  return { ok: false as const, code: 'version-conflict' as const, reason: `ticket ${ticketId} is at version ${current}, not ${expected}` };
}

export function asTicketEvent(event: RecordedEvent): TicketEvent {
  if (!eventCatalogue.has(event.type)) throw new Error(`unknown event type in a ticket stream: ${event.type}`);
  return { type: event.type, data: event.data } as TicketEvent;
}
