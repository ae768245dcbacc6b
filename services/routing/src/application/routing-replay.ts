import { Actor, Cause, Clock, MemberProfile, RosterEvent, Scenario, TicketEvent } from '@support/contracts';
import { checkProfile, DecisionAt, evolveMember, initialMemberState, Member, MemberAggregate, memberExists } from '../domain';
import { MemoryRoutingTables } from './memory-routing-tables';
import { RoutingRound, RoutingRounds } from './routing-engine';

// A what-if replay of routing: the recorded inputs of a period (and of everything before it, the state it
// carries in) run through the live engine's own rounds (RoutingRounds, the same code the consumers run) on
// tables in memory, with a proposed roster in place of the recorded one from `from` on. Pure: no I/O,
// no wall clock; the same record and proposal give the same decisions.

/** a ticket event as recorded on the tickets topic (the ones routing acts on) */
export interface RecordedTicketEvent {
  id: string;
  type: string;
  data: unknown;
  /** its recorded time (CloudEvents `time`), ISO */
  time: string;
  causationId: string | null;
}

/** a scenario of the knowledge base's catalogue as recorded (defined or changed) */
export interface RecordedScenario {
  id: string;
  scenario: Scenario;
  version: number;
  time: string;
}

/** a change of one member as routing's event store holds it: one transaction's events on the member's stream */
export interface RecordedRosterChange {
  kind: 'roster';
  memberId: string;
  events: RosterEvent[];
  /** the member stream's version after the change */
  version: number;
  time: string;
  actor: Actor;
  /** the store's global position, to order routing's own records of one instant */
  position: number;
}

/** a lead's manual assignment as routing recorded it (its decision, mode manual) */
export interface RecordedManualAssignment {
  kind: 'manual';
  ticketId: string;
  memberId: string;
  /** the lead's own reason, if they gave one */
  reason?: string;
  time: string;
  actor: Actor;
  position: number;
}

export interface RoutingRecord {
  /** the tickets topic's and the catalogue topic's events, in recorded order (time, topic, partition, offset) */
  consumed: ReadonlyArray<({ kind: 'ticket' } & RecordedTicketEvent) | ({ kind: 'scenario' } & RecordedScenario)>;
  /** routing's own records: roster changes and manual assignments, in the store's order */
  store: ReadonlyArray<RecordedRosterChange | RecordedManualAssignment>;
  /** the ids of every decision routing recorded: intake's confirmations of these are the replay's own decisions */
  routingDecisionIds: ReadonlySet<string>;
}

/** a change to one member's recorded roster entry; a field left out keeps what the record says at each instant */
export interface MemberChange {
  memberId: string;
  capacity?: number;
  onDuty?: boolean;
  skills?: string[];
  scenarios?: string[];
}

export interface RosterProposal {
  members: MemberChange[];
}

export interface SkippedManualAssignment {
  ticketId: string;
  memberId: string;
  at: string;
  reason: string;
}

export interface ReplayResult {
  /** the replay's decisions, in the order they were made */
  decisions: DecisionAt[];
  /** recorded manual assignments the proposal made illegal (not replayed) */
  skipped: SkippedManualAssignment[];
  /** inputs replayed before `from` (the state carried in) and from `from` on */
  replayed: { eventsBefore: number; eventsInPeriod: number };
}

/**
 * The member as the proposal has them at `at`: the recorded member with the proposal's fields from `from`
 * on. Throws nothing: the proposal was checked against the roster before ({@link checkMemberChange}).
 */
export function proposedMember(member: Member, change: MemberChange | undefined): Member {
  if (!change) return member;
  const profile: MemberProfile = {
    ...member.profile,
    ...(change.capacity !== undefined ? { capacity: change.capacity } : {}),
    ...(change.skills !== undefined ? { skills: [...change.skills] } : {}),
    ...(change.scenarios !== undefined ? { scenarios: [...change.scenarios] } : {}),
  };
  return { ...member, profile, onDuty: change.onDuty ?? member.onDuty };
}

/**
 * Whether a change fits a member of this role, by the roster's own rules (checkProfile: capacity 1-1000,
 * labels, a contractor's whitelist non-empty, none for employees); on success the change as the replay
 * uses it (labels trimmed).
 */
export function checkMemberChange(member: Member, change: MemberChange): { ok: true; change: MemberChange } | { ok: false; reason: string } {
  const checked = checkProfile(member.role, proposedMember(member, change).profile);
  if (!checked.ok) return { ok: false, reason: `member ${member.memberId} (${member.role}): ${checked.reason}` };
  return {
    ok: true,
    change: {
      memberId: change.memberId,
      ...(change.capacity !== undefined ? { capacity: checked.profile.capacity } : {}),
      ...(change.onDuty !== undefined ? { onDuty: change.onDuty } : {}),
      ...(change.skills !== undefined ? { skills: checked.profile.skills } : {}),
      ...(change.scenarios !== undefined ? { scenarios: checked.profile.scenarios } : {}),
    },
  };
}

/** a clock the replay sets to each input's recorded time */
class ReplayClock implements Clock {
  at = new Date(0);
  now(): Date {
    return new Date(this.at);
  }
}

const REPLAY: Actor = { id: 'routing', role: 'service' };
const CONFIRMATIONS = new Set(['support.ticket.assigned.v1', 'support.ticket.escalated.v1', 'support.ticket.dispatched-to-contractor.v1']);

type Step = { at: number; rank: number; seq: number; run: () => Promise<void> };

/**
 * Replays the record with `proposal` in force from `from`: every input at its recorded time, in one total
 * order (time; then routing's own records before consumed events, the proposal before both at `from`; then
 * each source's own order), each through the live engine's rounds on tables in memory.
 * - a ticket event is a round as the consumer runs it; intake's confirmation of one of routing's recorded
 *   decisions is left out (the replay's own decision took its place when it was made);
 * - a roster change is the round RosterService runs, with the member as the proposal has them;
 * - a lead's manual assignment is made again at its time if still legal, else skipped (and said so);
 * - the proposal itself is a roster change at `from` (a round that drains the queue), if it changes anyone.
 */
export async function replayRouting(record: RoutingRecord, proposal: RosterProposal, period: { from: Date; to: Date }): Promise<ReplayResult> {
  const { from, to } = period;
  const clock = new ReplayClock();
  const rounds = new RoutingRounds(clock);
  const tables = new MemoryRoutingTables();
  const changes = new Map(proposal.members.map((c) => [c.memberId, c]));
  const members = new Map<string, { state: MemberAggregate; version: number }>();
  const skipped: SkippedManualAssignment[] = [];
  const start = from.getTime();
  const effective = (member: Member, at: number): Member => (at >= start ? proposedMember(member, changes.get(member.memberId)) : member);

  const steps: Step[] = [];
  record.store.forEach((entry, seq) => {
    const at = Date.parse(entry.time);
    if (entry.kind === 'roster') {
      steps.push({
        at,
        rank: 0,
        seq,
        run: async () => {
          const held = members.get(entry.memberId) ?? { state: initialMemberState(), version: 0 };
          const state = entry.events.reduce(evolveMember, held.state);
          members.set(entry.memberId, { state, version: entry.version });
          if (!memberExists(state)) return;
          const round = await RoutingRound.begin(tables);
          await rounds.onRosterChange(round, [{ member: effective(state, at), version: entry.version }], { actor: entry.actor }, new Date(at));
        },
      });
    } else {
      steps.push({
        at,
        rank: 0,
        seq,
        run: async () => {
          const outcome = await rounds.assignManuallyIn(
            tables,
            { ticketId: entry.ticketId, memberId: entry.memberId, ...(entry.reason ? { reason: entry.reason } : {}) },
            { actor: entry.actor },
          );
          if (!outcome.ok) skipped.push({ ticketId: entry.ticketId, memberId: entry.memberId, at: entry.time, reason: outcome.reason });
        },
      });
    }
  });
  record.consumed.forEach((entry, seq) => {
    const cause: Cause = { actor: REPLAY, causationId: entry.id, correlationId: entry.id };
    if (entry.kind === 'scenario') {
      steps.push({ at: Date.parse(entry.time), rank: 1, seq, run: () => rounds.onScenarioIn(tables, entry.scenario, entry.version, cause) });
      return;
    }
    if (CONFIRMATIONS.has(entry.type) && entry.causationId !== null && record.routingDecisionIds.has(entry.causationId)) return;
    steps.push({
      at: Date.parse(entry.time),
      rank: 1,
      seq,
      run: async () => {
        let data = entry.data as { ticketId: string };
        if (entry.type === 'support.ticket.escalation-requested.v1') {
          // the one who asks is whoever works the ticket in the replay: they escalate from their tier
          const tier = (await tables.ticket(data.ticketId))?.tier;
          if (tier) data = { ...data, fromTier: tier } as typeof data;
        }
        await rounds.onTicketEventsIn(tables, [{ event: { type: entry.type, data } as TicketEvent, cause }]);
      },
    });
  });
  if (changes.size > 0) {
    steps.push({
      at: start,
      rank: -1,
      seq: 0,
      run: async () => {
        const changed = [...members.entries()]
          .filter(([memberId, m]) => changes.has(memberId) && memberExists(m.state))
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([, m]) => ({ recorded: m.state as Member, member: effective(m.state as Member, start), version: m.version }))
          // a change that changes nothing is no roster change (a proposal equal to the record replays the record)
          .filter(({ recorded, member }) => !sameMember(recorded, member));
        if (changed.length === 0) return;
        const round = await RoutingRound.begin(tables);
        await rounds.onRosterChange(round, changed, { actor: { id: 'what-if', role: 'lead' } }, from);
      },
    });
  }
  // what was recorded after the period cannot change it
  const timeline = steps.filter((s) => s.at < to.getTime()).sort((a, b) => a.at - b.at || a.rank - b.rank || a.seq - b.seq);

  let eventsBefore = 0;
  for (const step of timeline) {
    clock.at = new Date(step.at);
    await step.run();
    if (step.at < start && step.rank >= 0) eventsBefore++;
  }
  const decisions = tables.decisions.map(({ ticketId, envelope }) => ({
    ticketId,
    type: envelope.type,
    data: envelope.data as DecisionAt['data'],
    at: envelope.occurredAt.toISOString(),
  }));
  const inputs = timeline.filter((s) => s.rank >= 0).length;
  return { decisions, skipped, replayed: { eventsBefore, eventsInPeriod: inputs - eventsBefore } };
}

function sameMember(a: Member, b: Member): boolean {
  const sameList = (x: readonly string[], y: readonly string[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  return a.onDuty === b.onDuty && a.profile.capacity === b.profile.capacity && sameList(a.profile.skills, b.profile.skills) && sameList(a.profile.scenarios, b.profile.scenarios);
}
