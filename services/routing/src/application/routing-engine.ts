import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor, Cause, Clock, envelopeOf, RosterEvent, RoutingDecisionEvent, Scenario, TicketEvent } from '@support/contracts';
import { Rejection } from '@support/decider';
import { AppendPipeline, CommandHandler, PendingChange } from '@support/command-handling';
import { lockForTransaction } from '@support/event-store';
import { CLOCK, SERVICE_SCHEMA } from '@support/service-kit';
import {
  AssigneeChoice,
  checkManualAssignment,
  ChosenAssignee,
  ChosenEscalation,
  chooseAssignee,
  chooseEscalationTarget,
  drainQueue,
  Member,
  MemberAggregate,
  MemberCommand,
  memberDecider,
  memberExists,
  QueuedTicket,
  queueOrder,
  scenarioOf,
} from '../domain';
import { PostgresRoutingTables, ROUTING_STREAM } from '../persistence/postgres-routing-tables';
import { RosterEntry, RosterRepository } from '../persistence/roster.repository';
import { RoutedTicket, RoutedTicketsRepository } from '../persistence/routed-tickets.repository';
import { ScenarioCatalogueRepository } from '../persistence/scenario-catalogue.repository';
import { DecisionToAppend, RoutingTables } from './routing-tables';

export const ROUTING_ACTOR: Actor = { id: 'routing', role: 'service' };
export { ROUTING_STREAM };
export const MEMBER_STREAM = 'member';

/**
 * Decisions are taken one round at a time (a transaction-scoped lock), on the roster and queue as
 * committed by the previous round, so two rounds never hand out the same capacity. A round first
 * computes every decision in memory, then appends them all, then updates routing's tables.
 *
 * A round may take several steps, one per consumed event of a batch (see {@link RoutingEngine.onTicketEvents}):
 * each step's decisions are settled with their own cause and time, and its table updates applied at once,
 * so the next step reads what one round per event would have read; the appends wait for the last step.
 */
export class RoutingRound {
  /** the current step's decisions */
  private readonly decisions: Array<{ ticketId: string; event: RoutingDecisionEvent }> = [];
  /** the decisions of the steps settled so far, as events with their cause and time */
  private readonly settled: Array<DecisionToAppend & { event: RoutingDecisionEvent }> = [];
  private readonly updates: Array<(tables: RoutingTables) => Promise<void>> = [];

  /** who holds each open ticket this round knows of, so a change of hands frees the old slot */
  private readonly handsOf = new Map<string, string>();

  /** the catalogue's word on the scenarios of the tickets this round routes: fixed or not (absent: not listed) */
  readonly catalogue = new Map<string, boolean>();

  private constructor(
    private readonly tables: RoutingTables,
    readonly roster: RosterEntry[],
    readonly queue: RoutedTicket[],
  ) {
    this.knowHandsInQueue();
  }

  private knowHandsInQueue(): void {
    for (const ticket of this.queue) if (ticket.status === 'open' && ticket.assigneeId) this.handsOf.set(ticket.ticketId, ticket.assigneeId);
  }

  /** a ticket this round changes, with its current holder */
  know(ticket: RoutedTicket): void {
    if (ticket.status === 'open' && ticket.assigneeId) this.handsOf.set(ticket.ticketId, ticket.assigneeId);
  }

  static async begin(tables: RoutingTables): Promise<RoutingRound> {
    await tables.lockRounds();
    const [roster, queue] = await Promise.all([tables.roster(), tables.waiting()]);
    const round = new RoutingRound(tables, roster, queue);
    await round.lookUpScenarios(queue);
    return round;
  }

  /**
   * Reads the roster and the queue again (after a settled step changed the tables in a way the round does
   * not follow in memory: a reopening, a ticket waiting for an escalation, a confirmation that differed).
   */
  async reread(): Promise<void> {
    const [roster, queue] = await Promise.all([this.tables.roster(), this.tables.waiting()]);
    this.roster.splice(0, this.roster.length, ...roster);
    this.queue.splice(0, this.queue.length, ...queue);
    this.handsOf.clear();
    this.knowHandsInQueue();
    await this.lookUpScenarios(queue);
  }

  /** reads what the catalogue says of these tickets' scenarios (the queue's are read when the round begins) */
  async lookUpScenarios(tickets: readonly Pick<RoutedTicket, 'triage'>[]): Promise<void> {
    const unread = new Set(tickets.map(scenarioOf).filter((s): s is string => s !== undefined && !this.catalogue.has(s)));
    const read = await this.tables.fixedness([...unread]);
    for (const [scenarioId, fixed] of read) this.catalogue.set(scenarioId, fixed);
  }

  /** a ticket as the policy sees it, with the catalogue's word on its scenario */
  toRoute(ticket: RoutedTicket): QueuedTicket {
    const scenario = scenarioOf(ticket);
    const fixed = scenario === undefined ? undefined : this.catalogue.get(scenario);
    return {
      ticketId: ticket.ticketId,
      urgency: ticket.urgency,
      receivedAt: ticket.receivedAt,
      triage: ticket.triage,
      ...(fixed === undefined ? {} : { catalogued: { fixed } }),
      ...(ticket.assigneeId ? { assigneeId: ticket.assigneeId } : {}),
      ...(ticket.waitingFor === 'escalation' ? { escalation: { fromTier: ticket.tier ?? 'L1' } } : {}),
    };
  }

  decide(ticketId: string, event: RoutingDecisionEvent): void {
    this.decisions.push({ ticketId, event });
  }

  afterwards(update: (tables: RoutingTables) => Promise<void>): void {
    this.updates.push(update);
  }

  /** hands out free capacity to waiting tickets, in queue order; the round's roster counts the new load */
  drain(at: Date): void {
    const { assignments } = drainQueue(
      this.queue.map((ticket) => this.toRoute(ticket)),
      this.roster,
    );
    for (const { ticket, choice } of assignments) {
      if (choice.kind === 'escalate') this.escalate(ticket.ticketId, choice, this.queue.find((t) => t.ticketId === ticket.ticketId)?.escalationReason, at);
      else this.assign(ticket.ticketId, choice, 'automatic', at);
    }
  }

  assign(ticketId: string, choice: ChosenAssignee, mode: 'automatic' | 'manual', at: Date): void {
    this.decide(ticketId, {
      type: 'support.routing.assignment-decided.v1',
      data: { ticketId, assignee: choice.assignee, tier: choice.tier, mode, reason: choice.reason, ...(choice.scenario ? { scenario: choice.scenario } : {}) },
    });
    this.took(ticketId, choice.assignee.id, choice.tier, at);
  }

  /** `requestReason` is why the assignee asked; the decision records it with the rule that chose */
  escalate(ticketId: string, choice: ChosenEscalation, requestReason: string | undefined, at: Date): void {
    if (choice.assignee.role === 'contractor') throw new Error('contractors are outside the escalation chain');
    const reason = requestReason ? `${requestReason} (${choice.reason})` : choice.reason;
    this.decide(ticketId, {
      type: 'support.routing.escalation-decided.v1',
      data: { ticketId, fromTier: choice.fromTier, toTier: choice.toTier, assignee: { ...choice.assignee, role: choice.assignee.role }, reason },
    });
    this.took(ticketId, choice.assignee.id, choice.toTier, at);
  }

  private took(ticketId: string, memberId: string, tier: ChosenAssignee['tier'], at: Date): void {
    // a ticket that changes hands (escalation, reassignment) frees its old assignee's slot in this round
    const previous = this.handsOf.get(ticketId);
    const before = previous && this.roster.find((m) => m.memberId === previous);
    if (before) before.openTickets -= 1;
    this.handsOf.set(ticketId, memberId);
    const member = this.roster.find((m) => m.memberId === memberId);
    if (member) {
      member.openTickets += 1;
      member.assignedCount += 1;
      member.lastAssignedAt = at.toISOString();
    }
    const waiting = this.queue.findIndex((t) => t.ticketId === ticketId);
    if (waiting >= 0) this.queue.splice(waiting, 1);
    this.afterwards((t) => t.assign(ticketId, memberId, tier));
    this.afterwards((t) => t.noteAssignment(memberId, at));
  }

  /**
   * Ends a step: its decisions become events caused by `cause` at `at`, and routing's own table changes
   * are applied now (in the round's transaction), so the next step sees them. Only for steps whose appends
   * cannot be refused (decisions append whatever their stream's version).
   */
  async settle(cause: Cause, at: Date): Promise<void> {
    this.stamp(cause, at);
    for (const update of this.updates.splice(0)) await update(this.tables);
  }

  private stamp(cause: Cause, at: Date): void {
    for (const { ticketId, event } of this.decisions.splice(0)) this.settled.push({ ticketId, event, envelope: envelopeOf(event, cause, at) });
  }

  /**
   * Appends every decision (with `alsoAppend`, e.g. the roster change that caused them, in the same
   * statement batch), then applies routing's own table changes. Nothing is applied if an append
   * was refused.
   */
  async commit(cause: Cause, at: Date, alsoAppend: ReadonlyArray<PendingChange<unknown>> = []): Promise<{ ok: boolean; decisions: RoutingDecisionEvent[] }> {
    this.stamp(cause, at);
    return this.appendSettled(alsoAppend);
  }

  /** the end of a round of settled steps (a batch): every step's decisions appended at once */
  async commitSteps(): Promise<void> {
    await this.appendSettled([]);
  }

  private async appendSettled(alsoAppend: ReadonlyArray<PendingChange<unknown>>): Promise<{ ok: boolean; decisions: RoutingDecisionEvent[] }> {
    const committed = await this.tables.appendDecisions(this.settled, alsoAppend);
    if (!committed.ok) return { ok: false, decisions: [] };
    for (const update of this.updates) await update(this.tables);
    return { ok: true, decisions: this.settled.map((d) => d.event) };
  }

  /** a ticket leaves (resolved, closed, cancelled): its assignee's slot is free again in this round */
  release(ticket: RoutedTicket): void {
    const member = this.roster.find((r) => r.memberId === ticket.assigneeId);
    if (member && ticket.status === 'open') member.openTickets -= 1;
    this.handsOf.delete(ticket.ticketId);
    const waiting = this.queue.findIndex((t) => t.ticketId === ticket.ticketId);
    if (waiting >= 0) this.queue.splice(waiting, 1);
  }

  /** whether this step decided something for the ticket */
  decidedFor(ticketId: string): boolean {
    return this.decisions.some((d) => d.ticketId === ticketId);
  }
}

/**
 * Routing's rounds over any {@link RoutingTables}: what a ticket event, a scenario, a roster change or a
 * lead's choice decides. The live engine ({@link RoutingEngine}) runs them on PostgreSQL in the consumer's or
 * the request's transaction; a what-if replay runs the same code on tables in memory, with its own clock.
 */
export class RoutingRounds {
  constructor(readonly clock: Clock) {}

  /**
   * The knowledge base defined or changed a scenario: routing keeps the catalogue's word (in the consumer's
   * transaction) and, like a roster change, drains the queue: a scenario now fixed may let a contractor start.
   */
  async onScenarioIn(tables: RoutingTables, scenario: Scenario, version: number, cause: Cause): Promise<void> {
    const at = this.clock.now();
    const round = await RoutingRound.begin(tables);
    // an older version than routing holds (a replayed parked event) changes nothing
    const held = await tables.scenarioVersion(scenario.scenarioId);
    if (held !== undefined && held > version) return;
    round.catalogue.set(scenario.scenarioId, scenario.fixed);
    round.drain(at);
    round.afterwards((t) => t.saveScenario(scenario, version));
    await round.commit(cause, at);
  }

  /**
   * Members changed (registered, profile, duty; each `member` as they are after it, at their stream's
   * `version`): the round (begun before the change was decided, under the lock) sees them so, keeps them,
   * and drains the queue, so waiting tickets are handed out the moment someone can take them. `alsoAppend`
   * is the change itself, appended with the decisions.
   */
  async onRosterChange(
    round: RoutingRound,
    changed: ReadonlyArray<{ member: Member; version: number }>,
    cause: Cause,
    at: Date,
    alsoAppend: ReadonlyArray<PendingChange<unknown>> = [],
  ): Promise<{ ok: boolean; entries: RosterEntry[] }> {
    const entries = changed.map(({ member, version }) => upsert(round.roster, member, version));
    for (const entry of entries) round.afterwards((t) => t.saveMember(entry));
    round.drain(at);
    const committed = await round.commit(cause, at, alsoAppend);
    return { ok: committed.ok, entries };
  }

  /**
   * Intake confirms a decision (or records one made elsewhere): the ticket is this member's open work.
   * Usually routing recorded it already when deciding, so this costs no round: only the lock that
   * keeps it from racing one (the caller's), and a write when something differs. True when it wrote.
   */
  private async onConfirmation(tables: RoutingTables, event: TicketEvent): Promise<boolean> {
    if (event.type !== 'support.ticket.assigned.v1' && event.type !== 'support.ticket.escalated.v1' && event.type !== 'support.ticket.dispatched-to-contractor.v1') return false;
    const known = await tables.ticket(event.data.ticketId);
    if (!known) return false;
    const tier = event.type === 'support.ticket.escalated.v1' ? event.data.toTier : event.type === 'support.ticket.assigned.v1' ? event.data.tier : (known.tier ?? 'L1');
    if (known.assigneeId === event.data.assignee.id && known.status === 'open' && !known.waitingFor) return false;
    await tables.assign(event.data.ticketId, event.data.assignee.id, tier);
    return true;
  }

  /** A lead's choice, checked against the same rules as routing's own (contractor whitelist, duty, capacity). */
  async assignManuallyIn(
    tables: RoutingTables,
    request: { ticketId: string; memberId: string; reason?: string },
    cause: Cause,
  ): Promise<{ ok: true; decision: RoutingDecisionEvent } | Rejection> {
    const at = this.clock.now();
    const round = await RoutingRound.begin(tables);
    const ticket = await tables.ticket(request.ticketId);
    if (!ticket) return { ok: false, code: 'not-found', reason: `ticket ${request.ticketId} is not known to routing` };
    if (ticket.status === 'done') return { ok: false, code: 'illegal-transition', reason: `ticket ${request.ticketId} is resolved, closed or cancelled` };
    await round.lookUpScenarios([ticket]);
    const check = checkManualAssignment(
      round.toRoute(ticket),
      round.roster.find((m) => m.memberId === request.memberId),
    );
    if (!check.ok) return check;
    round.know(ticket);
    round.assign(ticket.ticketId, request.reason ? { ...check, reason: `${request.reason} (${check.reason})` } : check, 'manual', at);
    // a reassignment frees the previous assignee's slot for the queue
    round.drain(at);
    const committed = await round.commit(cause, at);
    return { ok: true, decision: committed.decisions[0] };
  }

  /**
   * Reacts to ticket events from intake (one partition's, in order), inside the consumer's one transaction:
   * one lock, one read of the roster and the queue, each event a step of one round with its own cause and
   * time, one append of every decision. The decisions are those of one round per event in the same order:
   * each step applies its table changes before the next, and the round follows in memory what the common
   * steps change (an arrival, an assignment, an escalation taken, a ticket leaving), and reads the roster
   * and queue again after the rare ones it does not follow.
   */
  async onTicketEventsIn(tables: RoutingTables, events: ReadonlyArray<{ event: TicketEvent; cause: Cause }>): Promise<void> {
    const acted = events.filter(({ event }) => ROUND_EVENTS.has(event.type) || CONFIRMATIONS.has(event.type));
    if (acted.length === 0) return;
    await tables.lockRounds();
    let round: RoutingRound | undefined;
    for (const { event, cause } of acted) {
      if (CONFIRMATIONS.has(event.type)) {
        if ((await this.onConfirmation(tables, event)) && round) await round.reread();
        continue;
      }
      round ??= await RoutingRound.begin(tables);
      const at = this.clock.now();
      const followed = await this.step(tables, round, event, at);
      await round.settle(cause, at);
      if (!followed) await round.reread();
    }
    await round?.commitSteps();
  }

  /**
   * One ticket event's step of a round. False when it changed routing's tables in a way the round does not
   * follow in memory, so the round must read them again before another step.
   */
  private async step(tables: RoutingTables, round: RoutingRound, event: TicketEvent, at: Date): Promise<boolean> {
    const ticketId = event.data.ticketId;
    const known = await tables.ticket(ticketId);

    switch (event.type) {
      case 'support.ticket.received.v1': {
        if (known) return true;
        const ticket: RoutedTicket = {
          ticketId,
          urgency: event.data.urgency,
          receivedAt: event.data.receivedAt,
          triage: event.data.triage ?? {},
          status: 'waiting',
          waitingFor: 'assignment',
        };
        await round.lookUpScenarios([ticket]);
        round.queue.push(ticket);
        round.queue.sort(queueOrder);
        round.afterwards((t) => t.received(ticket));
        round.drain(at);
        if (!round.decidedFor(ticketId)) {
          const why: AssigneeChoice = chooseAssignee(round.toRoute(ticket), round.roster);
          round.decide(ticketId, {
            type: 'support.routing.ticket-queued.v1',
            data: { ticketId, urgency: ticket.urgency, waitingFor: 'assignment', reason: why.ok ? 'tickets ahead in the queue take the free capacity' : why.reason },
          });
        }
        return true;
      }
      case 'support.ticket.escalation-requested.v1': {
        if (!known || known.status === 'done') return true;
        const target = chooseEscalationTarget(round.toRoute(known), event.data.fromTier, round.roster);
        if (target.ok) {
          round.know(known);
          round.escalate(ticketId, target, event.data.reason, at);
          round.drain(at);
          return true;
        }
        if (target.final) return true;
        round.decide(ticketId, { type: 'support.routing.ticket-queued.v1', data: { ticketId, urgency: known.urgency, waitingFor: 'escalation', reason: target.reason } });
        round.afterwards((t) => t.waitForEscalation(ticketId, event.data.reason));
        return false;
      }
      case 'support.ticket.resolved.v1':
      case 'support.ticket.closed.v1':
      case 'support.ticket.cancelled.v1': {
        if (!known || known.status === 'done') return true;
        round.afterwards((t) => t.done(ticketId));
        // the freed capacity goes to the queue at once
        round.release(known);
        round.drain(at);
        return true;
      }
      case 'support.ticket.reopened.v1': {
        if (!known) return true;
        round.afterwards((t) => t.reopen(ticketId));
        return false;
      }
      default:
        return true;
    }
  }
}

/** Routing's rounds on its PostgreSQL tables: the live engine, fed by the consumers and the HTTP routes. */
@Injectable()
export class RoutingEngine extends RoutingRounds {
  /** the roster's members, each a stream of its own */
  readonly members: CommandHandler<MemberCommand, RosterEvent, MemberAggregate, Member>;

  constructor(
    @Inject(SERVICE_SCHEMA) readonly schema: string,
    readonly pipeline: AppendPipeline,
    readonly rosterRepository: RosterRepository,
    readonly ticketRepository: RoutedTicketsRepository,
    readonly scenarioRepository: ScenarioCatalogueRepository,
    @Inject(CLOCK) clock: Clock,
  ) {
    super(clock);
    // the roster table is written by the round that takes the change (RosterService), not per member
    this.members = new CommandHandler(pipeline, clock, { streamType: MEMBER_STREAM, decider: memberDecider, exists: memberExists });
  }

  /** routing's tables in the transaction of `manager` */
  tablesIn(manager: EntityManager): RoutingTables {
    return new PostgresRoutingTables(manager, this);
  }

  /** see {@link RoutingRounds.onScenarioIn}, in the consumer's transaction */
  onScenario(manager: EntityManager, scenario: Scenario, version: number, cause: Cause): Promise<void> {
    return this.onScenarioIn(this.tablesIn(manager), scenario, version, cause);
  }

  /** rounds are serial, across instances too: the lock is held to the end of the caller's transaction */
  lockRounds(manager: EntityManager): Promise<void> {
    return lockForTransaction(manager, `${this.schema}:routing-round`);
  }

  /** see {@link RoutingRounds.assignManuallyIn}, in the request's transaction */
  assignManually(
    manager: EntityManager,
    request: { ticketId: string; memberId: string; reason?: string },
    cause: Cause,
  ): Promise<{ ok: true; decision: RoutingDecisionEvent } | Rejection> {
    return this.assignManuallyIn(this.tablesIn(manager), request, cause);
  }

  /** see {@link RoutingRounds.onTicketEventsIn}, in the consumer's transaction (with its inbox rows) */
  onTicketEvents(manager: EntityManager, events: ReadonlyArray<{ event: TicketEvent; cause: Cause }>): Promise<void> {
    return this.onTicketEventsIn(this.tablesIn(manager), events);
  }
}

/** the member as the round's roster holds them after a change: their load as the round counts it */
function upsert(roster: RosterEntry[], state: Member, version: number): RosterEntry {
  const existing = roster.find((r) => r.memberId === state.memberId);
  const entry: RosterEntry = {
    memberId: state.memberId,
    role: state.role,
    ...state.profile,
    onDuty: state.onDuty,
    version,
    openTickets: existing?.openTickets ?? 0,
    assignedCount: existing?.assignedCount ?? 0,
    ...(existing?.lastAssignedAt ? { lastAssignedAt: existing.lastAssignedAt } : {}),
  };
  if (existing) Object.assign(existing, entry);
  else roster.push(entry);
  return entry;
}

/** ticket events that may hand out work: each runs a decision round */
const ROUND_EVENTS = new Set<string>([
  'support.ticket.received.v1',
  'support.ticket.escalation-requested.v1',
  'support.ticket.resolved.v1',
  'support.ticket.closed.v1',
  'support.ticket.cancelled.v1',
  'support.ticket.reopened.v1',
]);

/** ticket events that confirm who works a ticket */
const CONFIRMATIONS = new Set<string>(['support.ticket.assigned.v1', 'support.ticket.escalated.v1', 'support.ticket.dispatched-to-contractor.v1']);

/** the ticket events routing acts on; the rest of a ticket's life does not concern it */
export const ROUTING_TICKET_EVENTS: readonly string[] = [...ROUND_EVENTS, ...CONFIRMATIONS];
