import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { eventCatalogue, RecordedEvent, RosterEvent, Scenario, SCENARIOS_TOPIC, SimulationAnswer, TICKETS_TOPIC, Urgency } from '@support/contracts';
import { EventStore } from '@support/event-store';
import { ConsumedEvent, MessagingClient, readRecordedEvents, takenInBy } from '@support/messaging';
import { MESSAGING_CLIENT, SERVICE_SCHEMA } from '@support/service-kit';
import { DecisionAt, evolveMember, initialMemberState, Member, MemberAggregate, memberExists, routingOutcome, RoutingOutcome, TicketLife } from '../domain';
import { MEMBER_STREAM, ROUTING_STREAM, ROUTING_TICKET_EVENTS } from './routing-engine';
import { SCENARIO_CATALOGUE_GROUP } from './scenario-catalogue.reactor';
import { TICKET_EVENTS_GROUP } from './ticket-events.reactor';
import { checkMemberChange, RecordedManualAssignment, registrationOf, RecordedRosterChange, ReplayResult, replayRouting, RosterProposal, RoutingRecord } from './routing-replay';

export type RoutingSimulationAnswer = SimulationAnswer<RoutingOutcome, RosterProposal>;

/** what the replay assumes where the record cannot tell (the answer's `assumptions`) */
export const ROUTING_ASSUMPTIONS: readonly string[] = [
  "Every ticket's later life (first contact, diagnosis, resolution, closing, cancellation, reopening) happens at its recorded time, whoever works it under the proposal, and however long it waited.",
  'Escalations are requested at their recorded times, from the tier the ticket is at in the replay (which may differ from the recorded one); a ticket at L3 asks nobody.',
  "A lead's manual assignment is made again at its recorded time when the proposal still allows it (duty, capacity, whitelist, tier); otherwise it is skipped and counted in manualSkipped.",
  'Intake confirms each replayed decision as it confirmed the recorded ones; confirmations of assignments made outside routing apply as recorded.',
  'Routing decides at the recorded instant of each event: the live consumer decided a little later (its lag), which the replay leaves out of queue waits.',
  "Events recorded at the same instant are replayed in one fixed order: the proposal first, then routing's own records (roster changes, manual assignments) in the order stored, then the tickets' and the catalogue's events by topic, partition and offset; the live consumers may have taken events of different partitions of one instant in another order.",
  'A field the proposal sets holds for the whole period from `from` (e.g. a member put on duty stays on duty, whatever their recorded duty changes); a field it leaves out follows the record.',
  'A member the proposal adds (not on the roster by `to`) joins at `from`: registered with the role, tier, capacity, skills and whitelist it gives, on duty from `from` unless it says onDuty false, and present the whole period; nothing recorded mentions them (no roster change, no manual assignment), and the tickets they take live on at their recorded times like any other.',
];

export type SimulationRefusal = { ok: false; problems: string[] };

/**
 * Routing's what-if simulation: reads the record (the tickets and scenario catalogue topics up to `to`, in a
 * throw-away consumer group that commits nothing; routing's roster and decisions from its event store in one
 * read-only snapshot), replays it with the proposed roster (routing-replay.ts), and measures the recorded and
 * the replayed decisions with the same function. Writes nothing and publishes nothing.
 */
@Injectable()
export class RoutingSimulation {
  private readonly store: EventStore;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(MESSAGING_CLIENT) private readonly client: MessagingClient,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
  ) {
    this.store = new EventStore(schema);
  }

  async simulate(period: { from: Date; to: Date }, proposal: RosterProposal): Promise<{ ok: true; answer: RoutingSimulationAnswer } | SimulationRefusal> {
    const read = await this.read(period.to);
    const checked = checkProposal(proposal, read.states, period.from);
    if (!checked.ok) return checked;
    return { ok: true, answer: await simulateRouting(read, checked.proposal, period) };
  }

  /**
   * The record up to `to`: routing's roster changes and decisions from its event store in one read-only
   * snapshot, then the tickets and catalogue topics in a throw-away consumer group that commits nothing,
   * as far as routing's own consumer groups took them in (their inboxes).
   */
  async read(to: Date): Promise<RoutingRecordRead> {
    const { members, decisions } = await this.dataSource.transaction('REPEATABLE READ', async (manager: EntityManager) => {
      await manager.query('SET TRANSACTION READ ONLY');
      const [memberStreams, decisionStreams] = await Promise.all([
        this.store.readStreamsOfType(manager, MEMBER_STREAM, { asOf: to }),
        this.store.readStreamsOfType(manager, ROUTING_STREAM, { asOf: to }),
      ]);
      return { members: rosterOf(memberStreams), decisions: [...decisionStreams.values()].flat().sort(storeOrder) };
    });
    // what routing's consumer groups took in: a routing that joined the topics late replays what it saw
    const takenIn = await takenInBy(this.dataSource, this.schema, [TICKET_EVENTS_GROUP, SCENARIO_CATALOGUE_GROUP]);
    const recorded = await readRecordedEvents(this.client, [SCENARIOS_TOPIC, TICKETS_TOPIC], { groupPrefix: `${this.schema}.`, upTo: to, catalogue: eventCatalogue, takenIn });
    return { consumed: recorded.events, members: members.changes, states: members.states, decisions };
  }
}

/** the record as read, for {@link simulateRouting} */
export interface RoutingRecordRead {
  /** the tickets and catalogue topics' events up to `to`, in recorded order */
  consumed: readonly ConsumedEvent[];
  /** the roster's changes, one per transaction on a member's stream, in store order */
  members: readonly RecordedRosterChange[];
  /** each member as of `to` */
  states: ReadonlyMap<string, Member>;
  /** routing's decisions up to `to`, in store order */
  decisions: readonly RecordedEvent[];
}

/** The answer: the record measured as it is (actual) and as replayed with the proposal (proposed). */
export async function simulateRouting(read: RoutingRecordRead, proposal: RosterProposal, period: { from: Date; to: Date }): Promise<RoutingSimulationAnswer> {
  const { replay, routingDecisionIds } = await replayRecord(read, proposal, period);
  const roster = rosterAsOfEnd(read.states);
  // the members the proposal adds are on its roster at the end, whether or not they were handed work
  const added = proposal.members.flatMap((c) =>
    c.role !== undefined && !read.states.has(c.memberId) ? [{ memberId: c.memberId, name: c.name ?? c.memberId, role: c.role, tier: c.tier! }] : [],
  );
  const measure = (decisions: readonly DecisionAt[], manualSkipped: number, members: typeof roster) =>
    routingOutcome({ period, tickets: ticketsOf(read.consumed), life: lifeOf(read.consumed, routingDecisionIds), decisions, members, manualSkipped });
  return {
    service: 'routing',
    period: { from: period.from.toISOString(), to: period.to.toISOString() },
    proposal,
    assumptions: [...ROUTING_ASSUMPTIONS],
    actual: measure(read.decisions.map(decisionAt), 0, roster),
    proposed: measure(replay.decisions, replay.skipped.length, [...roster, ...added]),
    replayed: replay.replayed,
  };
}

const LEAD_REASON = /^(.+?) \(manual (?:assignment|dispatch)[\s\S]*\)$/;

/** The replay of the record as read, with the proposal in force from `from` (routing-replay.ts). */
export async function replayRecord(
  read: RoutingRecordRead,
  proposal: RosterProposal,
  period: { from: Date; to: Date },
): Promise<{ replay: ReplayResult; routingDecisionIds: Set<string> }> {
  const manual: RecordedManualAssignment[] = read.decisions
    .filter((d) => d.type === 'support.routing.assignment-decided.v1' && (d.data as { mode?: string }).mode === 'manual')
    .map((d) => {
      const data = d.data as { ticketId: string; assignee: { id: string }; reason: string };
      // the lead's own words, as the decision recorded them before the rule's: `<lead's reason> (<rule>)`
      const leadReason = LEAD_REASON.exec(data.reason)?.[1];
      return {
        kind: 'manual',
        ticketId: data.ticketId,
        memberId: data.assignee.id,
        ...(leadReason ? { reason: leadReason } : {}),
        time: d.occurredAt.toISOString(),
        actor: d.metadata.actor,
        position: Number(d.globalPosition),
      };
    });
  const storeEntries = [...read.members, ...manual].sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || a.position - b.position);
  const routingDecisionIds = new Set(read.decisions.map((d) => d.id));
  const consumed: RoutingRecord['consumed'] = read.consumed.flatMap((event): Array<RoutingRecord['consumed'][number]> => {
    if (event.topic === SCENARIOS_TOPIC) {
      if (event.type !== 'support.scenario.defined.v1' && event.type !== 'support.scenario.changed.v1') return [];
      return [{ kind: 'scenario' as const, id: event.id, scenario: event.data as Scenario, version: event.streamVersion, time: event.time }];
    }
    if (!ROUTING_TICKET_EVENTS.includes(event.type)) return [];
    return [{ kind: 'ticket' as const, id: event.id, type: event.type, data: event.data, time: event.time, causationId: event.causationId }];
  });
  const record: RoutingRecord = { consumed, store: storeEntries, routingDecisionIds };
  return { replay: await replayRouting(record, proposal, period), routingDecisionIds };
}

/**
 * The proposal checked against the roster as of `to`: a change to a member on it must fit the member's role
 * (which it cannot change); a member not on it is one the proposal adds, and must be registrable at `from`
 * as POST /v1/members registers a member (role, tier, capacity, a contractor's whitelist).
 */
export function checkProposal(proposal: RosterProposal, states: ReadonlyMap<string, Member>, from: Date): { ok: true; proposal: RosterProposal } | SimulationRefusal {
  const problems: string[] = [];
  const members = proposal.members.flatMap((change, i) => {
    const member = states.get(change.memberId);
    const checked = member ? checkMemberChange(member, change) : registrationOf(change, from);
    if (!checked.ok) {
      problems.push(checked.field ? `roster.members.${i}.${checked.field} ${checked.reason}` : `roster.members.${i}: ${checked.reason}`);
      return [];
    }
    return [checked.change];
  });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, proposal: { members: members.sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0)) } };
}

/** each member stream cut into its transactions (a registration on duty is one change, as RosterService makes it); `position` is the store's global position */
function rosterOf(streams: ReadonlyMap<string, RecordedEvent[]>): { changes: RecordedRosterChange[]; states: Map<string, Member> } {
  const changes: Array<RecordedRosterChange & { tx: bigint; pos: bigint }> = [];
  const states = new Map<string, Member>();
  for (const [memberId, events] of streams) {
    let state: MemberAggregate = initialMemberState();
    for (const event of events) {
      state = evolveMember(state, event as unknown as RosterEvent);
      const last = changes[changes.length - 1];
      if (last && last.memberId === memberId && last.tx === BigInt(event.transactionId)) {
        last.events.push({ type: event.type, data: event.data } as RosterEvent);
        last.version = event.version;
        continue;
      }
      changes.push({
        kind: 'roster',
        memberId,
        events: [{ type: event.type, data: event.data } as RosterEvent],
        version: event.version,
        time: event.occurredAt.toISOString(),
        actor: event.metadata.actor,
        position: 0,
        tx: BigInt(event.transactionId),
        pos: BigInt(event.globalPosition),
      });
    }
    if (memberExists(state)) states.set(memberId, state);
  }
  changes.sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || (a.tx < b.tx ? -1 : a.tx > b.tx ? 1 : 0) || (a.pos < b.pos ? -1 : a.pos > b.pos ? 1 : 0));
  return { changes: changes.map(({ tx: _tx, pos, ...change }) => ({ ...change, position: Number(pos) })), states };
}

function storeOrder(a: RecordedEvent, b: RecordedEvent): number {
  const [ta, tb, pa, pb] = [BigInt(a.transactionId), BigInt(b.transactionId), BigInt(a.globalPosition), BigInt(b.globalPosition)];
  return a.occurredAt.getTime() - b.occurredAt.getTime() || (ta < tb ? -1 : ta > tb ? 1 : 0) || (pa < pb ? -1 : pa > pb ? 1 : 0);
}

const decisionAt = (d: RecordedEvent): DecisionAt => ({ at: d.occurredAt.toISOString(), ticketId: d.streamId, type: d.type, data: d.data as DecisionAt['data'] });

/** each ticket's first receipt */
function ticketsOf(consumed: readonly ConsumedEvent[]): Array<{ ticketId: string; urgency: Urgency; receivedAt: string }> {
  const seen = new Map<string, { ticketId: string; urgency: Urgency; receivedAt: string }>();
  for (const event of consumed) {
    if (event.type !== 'support.ticket.received.v1') continue;
    const data = event.data as { ticketId: string; urgency: Urgency; receivedAt: string };
    if (!seen.has(data.ticketId)) seen.set(data.ticketId, { ticketId: data.ticketId, urgency: data.urgency, receivedAt: new Date(data.receivedAt).toISOString() });
  }
  return [...seen.values()];
}

const LEFT = new Set(['support.ticket.resolved.v1', 'support.ticket.closed.v1', 'support.ticket.cancelled.v1']);
const CONFIRMED = new Set(['support.ticket.assigned.v1', 'support.ticket.escalated.v1', 'support.ticket.dispatched-to-contractor.v1']);

/** the tickets' lives as recorded: leaving, reopening, and holders confirmed by decisions made outside routing */
function lifeOf(consumed: readonly ConsumedEvent[], routingDecisionIds: ReadonlySet<string>): TicketLife[] {
  return consumed.flatMap((event): TicketLife[] => {
    const data = event.data as { ticketId: string; assignee?: { id: string } };
    if (LEFT.has(event.type)) return [{ kind: 'done', at: event.time, ticketId: data.ticketId }];
    if (event.type === 'support.ticket.reopened.v1') return [{ kind: 'reopened', at: event.time, ticketId: data.ticketId }];
    if (CONFIRMED.has(event.type) && data.assignee && !(event.causationId && routingDecisionIds.has(event.causationId))) {
      return [{ kind: 'held', at: event.time, ticketId: data.ticketId, memberId: data.assignee.id }];
    }
    return [];
  });
}

function rosterAsOfEnd(states: ReadonlyMap<string, Member>): Array<{ memberId: string; name: string; role: Member['role']; tier: Member['profile']['tier'] }> {
  return [...states.values()].map((m) => ({ memberId: m.memberId, name: m.profile.name, role: m.role, tier: m.profile.tier }));
}
