import { Actor, Cause, Clock, MemberProfile, MemberRole, RosterEvent, Scenario, TicketEvent, Tier } from '@support/contracts';
import { checkProfile, DecisionAt, decideMember, evolveMember, initialMemberState, Member, MemberAggregate, memberExists } from '../domain';
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

/**
 * A change to one member's recorded roster entry (a field left out keeps what the record says at each
 * instant), or, with `role`, a member the proposal adds: registered at `from` with `role`, `tier`,
 * `capacity`, `name` (the member id if left out), `skills` and `scenarios` (none if left out), and on duty
 * from `from` unless `onDuty` is false ({@link registrationOf}).
 */
export interface MemberChange {
  memberId: string;
  /** only for a member the proposal adds: a recorded member's role is fixed */
  role?: MemberRole;
  /** only for a member the proposal adds */
  name?: string;
  tier?: Tier;
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
    ...(change.tier !== undefined ? { tier: change.tier } : {}),
    ...(change.capacity !== undefined ? { capacity: change.capacity } : {}),
    ...(change.skills !== undefined ? { skills: [...change.skills] } : {}),
    ...(change.scenarios !== undefined ? { scenarios: [...change.scenarios] } : {}),
  };
  return { ...member, profile, onDuty: change.onDuty ?? member.onDuty };
}

/**
 * Whether a change fits a recorded member, by the roster's own rules (checkProfile: the tier the role sits
 * at, capacity 1-1000, labels, a contractor's whitelist non-empty, none for employees); the role and the
 * name are the record's. On success the change as the replay uses it (labels trimmed); on failure the
 * field at fault (`role`, `name`: the reason follows its name) when the proposal cannot set it, else the rule broken.
 */
export function checkMemberChange(member: Member, change: MemberChange): { ok: true; change: MemberChange } | { ok: false; field?: 'role' | 'name'; reason: string } {
  if (change.role !== undefined && change.role !== member.role) {
    return {
      ok: false,
      field: 'role',
      reason: `cannot change: member ${member.memberId} is on the roster as ${member.role} (a role is fixed at registration)`,
    };
  }
  if (change.name !== undefined) {
    return { ok: false, field: 'name', reason: `is only for a member the proposal adds: member ${member.memberId} is on the roster as "${member.profile.name}"` };
  }
  const checked = checkProfile(member.role, proposedMember(member, change).profile);
  if (!checked.ok) return { ok: false, reason: `member ${member.memberId} (${member.role}): ${checked.reason}` };
  return {
    ok: true,
    change: {
      memberId: change.memberId,
      ...(change.tier !== undefined ? { tier: checked.profile.tier } : {}),
      ...(change.capacity !== undefined ? { capacity: checked.profile.capacity } : {}),
      ...(change.onDuty !== undefined ? { onDuty: change.onDuty } : {}),
      ...(change.skills !== undefined ? { skills: checked.profile.skills } : {}),
      ...(change.scenarios !== undefined ? { scenarios: checked.profile.scenarios } : {}),
    },
  };
}

const WHAT_IF: Actor = { id: 'what-if', role: 'lead' };

/**
 * A member the proposal adds, registered at `at` as the roster registers a member (memberDecider's
 * RegisterMember, then GoOnDuty unless `onDuty` is false: the checks of POST /v1/members): the events their
 * stream would hold, and the change as the replay uses it. A field registration needs and the change left
 * out (`role`, `tier`, `capacity`) is named as `field` (the reason follows its name); a rule the decider refuses is its reason.
 */
export function registrationOf(
  change: MemberChange,
  at: Date,
): { ok: true; events: RosterEvent[]; change: MemberChange } | { ok: false; field?: 'role' | 'tier' | 'capacity'; reason: string } {
  const { memberId, role, tier, capacity } = change;
  for (const [field, value] of [
    ['role', role],
    ['tier', tier],
    ['capacity', capacity],
  ] as const) {
    if (value === undefined) return { ok: false, field, reason: `must be given for a member the proposal adds (${memberId} is not on the roster by \`to\`)` };
  }
  const profile = { name: change.name ?? memberId, tier: tier!, skills: [...(change.skills ?? [])], scenarios: [...(change.scenarios ?? [])], capacity: capacity! };
  const registered = decideMember({ type: 'RegisterMember', memberId, role: role!, ...profile, actor: WHAT_IF, at }, initialMemberState());
  if (!registered.ok) return { ok: false, reason: `member ${memberId} (${role}, added): ${registered.reason}` };
  const events = [...registered.events];
  if (change.onDuty !== false) {
    const onDuty = decideMember({ type: 'GoOnDuty', memberId, actor: WHAT_IF, at }, registered.events.reduce(evolveMember, initialMemberState()));
    if (!onDuty.ok) return { ok: false, reason: `member ${memberId} (${role}, added): ${onDuty.reason}` };
    events.push(...onDuty.events);
  }
  const { name, skills, scenarios } = (registered.events[0] as Extract<RosterEvent, { type: 'support.member.registered.v1' }>).data;
  return { ok: true, events, change: { memberId, role, name, tier, capacity, onDuty: change.onDuty ?? true, skills, scenarios } };
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
 * - the proposal itself is a roster change at `from` (a round that drains the queue), if it changes anyone:
 *   the changed members as the proposal has them, and the members it adds, registered then (registrationOf).
 */
export async function replayRouting(record: RoutingRecord, proposal: RosterProposal, period: { from: Date; to: Date }): Promise<ReplayResult> {
  const { from, to } = period;
  const clock = new ReplayClock();
  const rounds = new RoutingRounds(clock);
  const tables = new MemoryRoutingTables();
  // a change with a role adds a member (checkProposal lets a role through for no recorded member)
  const changes = new Map(proposal.members.filter((c) => c.role === undefined).map((c) => [c.memberId, c]));
  const added = proposal.members.filter((c) => c.role !== undefined);
  const addedIds = new Set(added.map((c) => c.memberId));
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
          if (addedIds.has(entry.memberId)) throw new Error(`the proposal adds member ${entry.memberId}, whom the record has: an unchecked proposal`);
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
  if (changes.size > 0 || added.length > 0) {
    steps.push({
      at: start,
      rank: -1,
      seq: 0,
      run: async () => {
        const changed = [...members.entries()]
          .filter(([memberId, m]) => changes.has(memberId) && memberExists(m.state))
          .map(([, m]) => ({ recorded: m.state as Member, member: effective(m.state as Member, start), version: m.version }))
          // a change that changes nothing is no roster change (a proposal equal to the record replays the record)
          .filter(({ recorded, member }) => !sameMember(recorded, member))
          .map(({ member, version }) => ({ member, version }));
        for (const change of added) {
          if (members.has(change.memberId)) throw new Error(`the proposal adds member ${change.memberId}, whom the record has: an unchecked proposal`);
          const registration = registrationOf(change, from);
          if (!registration.ok) throw new Error(`the proposal adds member ${change.memberId} against the roster's rules (${registration.reason}): an unchecked proposal`);
          const state = registration.events.reduce(evolveMember, initialMemberState()) as Member;
          members.set(change.memberId, { state, version: registration.events.length });
          changed.push({ member: state, version: registration.events.length });
        }
        changed.sort((a, b) => (a.member.memberId < b.member.memberId ? -1 : a.member.memberId > b.member.memberId ? 1 : 0));
        if (changed.length === 0) return;
        const round = await RoutingRound.begin(tables);
        await rounds.onRosterChange(round, changed, { actor: WHAT_IF }, from);
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
  return (
    a.onDuty === b.onDuty &&
    a.profile.tier === b.profile.tier &&
    a.profile.capacity === b.profile.capacity &&
    sameList(a.profile.skills, b.profile.skills) &&
    sameList(a.profile.scenarios, b.profile.scenarios)
  );
}
