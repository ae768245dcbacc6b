import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, Clock, envelopeOf, eventCatalogue, foldEvents, RecordedEvent, reject, Rejection, TicketEvent } from '@support/contracts';
import { AppendRequest, CallerKey, callerKeyId, GroupCommit, IDEMPOTENCY_KEY_REUSED, IdempotencyStore, OnceOutcome, requestFingerprint } from '@support/event-store';
import { OpenTicket, Ticket, TicketCommand, ticketDecider, ticketExists } from '../domain';
import { CustomerDirectory, CustomerRecord, sharesContact } from '../persistence/customer-directory.repository';
import { TicketViewRepository } from '../persistence/ticket-view.repository';
import { inContractorScope } from './contractor-scope';
import { SealingEventStore } from './personal-data/sealing-event-store';

export const TICKET_STREAM = 'ticket';
export const CUSTOMER_STREAM = 'customer';

/** Where a command comes from: who, in answer to what, and the version the caller saw. */
export interface CommandContext {
  actor: Actor;
  /** If-Match: the version the caller decided on; absent = the current one (retried on a race) */
  expectedVersion?: number;
  causationId?: string;
  /** when the causing event happened in its service (ISO): what the history's `occurredAt` shows */
  causationOccurredAt?: string;
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
export type OpenedOrRefused = { status: number; body: OpenedTicket } | { refused: Rejection };

const RACE_RETRIES = 3;
const OPEN_SCOPE = 'open-ticket';

interface Opening {
  input: OpenTicketInput;
  context: CommandContext;
  idempotencyKey?: string;
}

/**
 * Runs ticket commands: load the stream, decide, append with the expected version, and update
 * the ticket view, all in one transaction (the append first, as the event store requires). The
 * store seals the customer's personal data before it is recorded.
 */
export class TicketCommands {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: SealingEventStore,
    private readonly views: TicketViewRepository,
    private readonly customers: CustomerDirectory,
    private readonly clock: Clock,
    private readonly idempotency: IdempotencyStore,
  ) {}

  /**
   * Opens a ticket, registering the customer on first contact; honours Idempotency-Key. Tickets opened
   * at the same time share a transaction (group commit), each answered as if it had been alone.
   */
  async open(input: OpenTicketInput, context: CommandContext, idempotencyKey?: string): Promise<OpenOutcome> {
    return this.openings.submit({ input, context, idempotencyKey });
  }

  private readonly openings = new GroupCommit<Opening, OpenOutcome>({
    writeGroup: (openings) => this.openTogether(openings),
    writeOne: ({ input, context, idempotencyKey }) =>
      this.idempotency.once<OpenedTicket, Rejection>(this.dataSource, { operation: OPEN_SCOPE, caller: context.actor.id }, idempotencyKey, input, (manager) => this.openIn(manager, input, context)),
    // one caller's key never twice in a group; two callers' same key may share one
    slotOf: (opening) => {
      const key = callerKeyOf(opening);
      return key && callerKeyId(key);
    },
  });

  /** what IdempotencyStore.once does for one opening, for a group: stored answers replayed, the rest opened and their answers stored */
  private async openTogether(openings: Opening[]): Promise<OpenOutcome[]> {
    const stored = await this.idempotency.findAll(this.dataSource, OPEN_SCOPE, openings.flatMap((o) => callerKeyOf(o) ?? []));
    const outcomes: OpenOutcome[] = [];
    const fresh: Array<{ index: number; opening: Opening; requestHash: string }> = [];
    for (const [index, opening] of openings.entries()) {
      const requestHash = requestFingerprint(opening.input);
      const key = callerKeyOf(opening);
      const answer = key && stored.get(callerKeyId(key));
      if (answer && answer.requestHash !== requestHash) outcomes[index] = { keyReused: IDEMPOTENCY_KEY_REUSED };
      else if (answer) outcomes[index] = { replayed: true, status: answer.status, body: answer.body as OpenedTicket };
      else fresh.push({ index, opening, requestHash });
    }
    if (fresh.length === 0) return outcomes;
    await this.dataSource.transaction(async (manager) => {
      const opened = await this.openAllIn(manager, fresh.map(({ opening }) => opening));
      const answers = fresh.flatMap(({ opening, requestHash }, i) => {
        const outcome = opened[i];
        const key = callerKeyOf(opening);
        return key && 'status' in outcome ? [{ ...key, requestHash, status: outcome.status, body: outcome.body }] : [];
      });
      await this.idempotency.saveAll(manager, OPEN_SCOPE, answers);
      fresh.forEach(({ index }, i) => (outcomes[index] = 'refused' in opened[i] ? opened[i] : { replayed: false, ...opened[i] }));
    });
    return outcomes;
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
    let state = foldEvents(ticketDecider, history.map(asTicketEvent));
    // checked on the state this transaction appends to, before anything tells whether the ticket exists:
    // a ticket dispatched elsewhere meanwhile makes the append conflict, and the retry checks again
    if (!inContractorScope(ticketExists(state) ? state : undefined, context.actor)) return reject('not-found', `ticket ${ticketId} not found`);
    if (context.expectedVersion !== undefined && context.expectedVersion !== version) {
      return conflict(ticketId, context.expectedVersion, version);
    }
    const at = this.clock.now();
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
  async openIn(manager: EntityManager, input: OpenTicketInput, context: CommandContext): Promise<OpenedOrRefused> {
    const [outcome] = await this.openAllIn(manager, [{ input, context }]);
    return outcome;
  }

  /**
   * Opens several tickets inside the caller's transaction, as its first write, in a fixed number of
   * statements however many there are: their contacts locked together, their customers looked up
   * together, one append for every new stream, one write per table. A customer new to this group is
   * registered once, by the first ticket that names them. Outcomes are in the order given.
   */
  async openAllIn(manager: EntityManager, openings: ReadonlyArray<{ input: OpenTicketInput; context: CommandContext }>): Promise<OpenedOrRefused[]> {
    const at = this.clock.now();
    const contacts = openings.map(({ input }) => input.customer);
    await this.customers.lockContacts(manager, contacts);
    const known = await this.customers.findByContacts(manager, contacts);
    const registering: CustomerRecord[] = [];
    const requests: AppendRequest[] = [];
    const outcomes: Array<OpenedOrRefused | { ticketId: string }> = [];
    for (const [index, { input, context }] of openings.entries()) {
      const customer = known[index] ?? registering.find((record) => sharesContact(record, input.customer));
      const customerId = customer?.id ?? randomUUID();
      const ticketId = randomUUID();
      const decision = ticketDecider.decide({ type: 'OpenTicket', ticketId, customerId, actor: context.actor, at, ...input }, ticketDecider.initialState());
      if (!decision.ok) {
        outcomes.push({ refused: decision });
        continue;
      }
      if (!customer) {
        registering.push({ id: customerId, ...input.customer, registeredAt: at.toISOString() });
        const registered = { type: 'support.customer.registered.v1', data: { customerId, ...input.customer } };
        requests.push({ streamType: CUSTOMER_STREAM, streamId: customerId, expectedVersion: 0, events: [envelopeOf(registered, context, at)] });
      }
      requests.push({ streamType: TICKET_STREAM, streamId: ticketId, expectedVersion: 0, events: decision.events.map((e) => envelopeOf(e, context, at)) });
      outcomes.push({ ticketId });
    }
    const appended = new Map((await this.store.appendAll(manager, requests)).map((result, i) => [requests[i].streamId, result]));
    await this.customers.registerAll(manager, registering);
    const opened = outcomes.flatMap((outcome) => {
      if (!('ticketId' in outcome)) return [];
      const result = appended.get(outcome.ticketId);
      if (!result?.ok) throw new Error(`new ticket stream ${outcome.ticketId} already existed`);
      return [{ ticket: foldEvents(ticketDecider, result.events.map(asTicketEvent)) as Ticket, version: result.version }];
    });
    await this.views.saveAll(manager, opened);
    const byId = new Map(opened.map(({ ticket, version }) => [ticket.id, { status: 201, body: { id: ticket.id, state: ticket.state, version } }]));
    return outcomes.map((outcome) => ('ticketId' in outcome ? byId.get(outcome.ticketId)! : outcome));
  }
}

function conflict(ticketId: string, expected: number, current: number) {
  return { ok: false as const, code: 'version-conflict' as const, reason: `ticket ${ticketId} is at version ${current}, not ${expected}` };
}

export function asTicketEvent(event: RecordedEvent): TicketEvent {
  if (!eventCatalogue.has(event.type)) throw new Error(`unknown event type in a ticket stream: ${event.type}`);
  return { type: event.type, data: event.data } as TicketEvent;
}

/** the opening's Idempotency-Key as its caller's own, or nothing when it has none */
function callerKeyOf(opening: Opening): CallerKey | undefined {
  return opening.idempotencyKey === undefined ? undefined : { caller: opening.context.actor.id, key: opening.idempotencyKey };
}
