import { Actor, LeadEvent, LeadPolicyEvent, LeadRatio, RosterEvent } from '@support/contracts';
import { nextMember } from './allocation';
import { LeadCommand } from './lead.commands';
import { decideLead, LEAD_TRANSITIONS } from './lead.decider';
import { evolveLead, initialLeadState, Lead } from './lead.state';
import { eligibleMembers, PoolMember } from './pool-waiting';

// a what-if replay of the pool (issue 24): the record's captures, responses, roster and ratios, in the
// order they happened, through the same allocation rule (nextMember), the same lead decider and the same
// per-version counting as the live allocator (lead-allocator.ts), with proposed ratios from `from` on.
// pure: the application reads the record and hands it over in order.

/** who allocates and expires: the pool itself (the live allocator's actor) */
export const LEAD_POOL: Actor = { id: 'lead-pool', role: 'service' };

/** how long a member has to accept when no ratios were ever recorded to say (the route's example value) */
export const DEFAULT_ACCEPT_MINUTES = 30;

/** One recorded fact, in the order the pool lived it: its own events (leads, ratios) and the roster it consumed. */
export type RecordedInput =
  { source: 'lead'; at: Date; event: LeadEvent; actor: Actor } | { source: 'policy'; at: Date; event: LeadPolicyEvent } | { source: 'roster'; at: Date; event: RosterEvent };

/**
 * The allocator's run after a decline, a ratios set or a time-out (LeadAllocator.runDue, via runSoon or
 * the tick) first takes back, in one transaction, every allocation that ran out by then, and only then
 * allocates; declines that come together share one run (runSoon). So the returns recorded right after
 * the run's cause at the same instant, with no allocation between, happen before it: each return moves
 * the counts the run allocates by. (A capture's and a member coming on duty's allocations are made in
 * their own transaction, at once.)
 */
function beforeRun(runAt: Date, input: RecordedInput): boolean {
  return input.source === 'lead' && input.event.type === 'support.lead.returned.v1' && input.at.getTime() === runAt.getTime();
}

/** The ratios proposed in place of those in force, from `from` on. */
export interface RatiosProposal {
  from: Date;
  ratios: readonly LeadRatio[];
}

/** One allocation (+1) or one taken back (-1, declined or timed out), under the ratios it was made under. */
export interface Booking {
  leadId: string;
  memberId: string;
  at: Date;
  delta: 1 | -1;
  policyVersion: number;
  ratios: readonly LeadRatio[];
}

/** What a lead's story is, as far as the outcome needs it. */
export interface LeadFacts {
  capturedAt: Date;
  /** who brought it in (the credit) */
  sourceMemberId: string;
  state: Lead;
}

/** The pool's record, or a replay of it: every booking in order, every lead as it ended, the ratios in force at the end. */
export interface PoolHistory {
  bookings: Booking[];
  leads: Map<string, LeadFacts>;
  /** the ratios in force after the last input (none: never set) */
  ratiosAtEnd: readonly LeadRatio[];
  /** recorded responses (accept, decline, time-out, conversion, loss) the replayed lead was in no state to take */
  skippedResponses: number;
}

/** The ratios are the same members with the same weights (in any order): the proposal changes nothing. */
export function sameRatios(a: readonly LeadRatio[], b: readonly LeadRatio[]): boolean {
  if (a.length !== b.length) return false;
  const weights = new Map(a.map((r) => [r.memberId, r.weight]));
  return b.every((r) => weights.get(r.memberId) === r.weight);
}

/**
 * The record as it is: the allocations and returns the live pool recorded, each under the version of the
 * ratios it was made under, and every lead folded by the lead decider's evolve.
 */
export function recordedHistory(inputs: readonly RecordedInput[]): PoolHistory {
  const versions = new Map<number, readonly LeadRatio[]>();
  const leads = new Map<string, LeadFacts>();
  const bookings: Booking[] = [];
  let ratiosAtEnd: readonly LeadRatio[] = [];
  for (const input of inputs) {
    if (input.source === 'policy') {
      versions.set(input.event.data.version, input.event.data.ratios);
      ratiosAtEnd = input.event.data.ratios;
    }
    if (input.source !== 'lead') continue;
    const { event, at } = input;
    if (event.type === 'support.lead.captured.v1') {
      leads.set(event.data.leadId, { capturedAt: at, sourceMemberId: event.data.source.memberId, state: evolveLead(initialLeadState(), event) as Lead });
      continue;
    }
    const facts = leads.get(event.data.leadId);
    if (!facts) continue;
    const before = facts.state;
    if (event.type === 'support.lead.allocated.v1') {
      const { memberId, policyVersion } = event.data;
      bookings.push({ leadId: before.leadId, memberId, at, delta: 1, policyVersion, ratios: versions.get(policyVersion) ?? [] });
    }
    if (event.type === 'support.lead.returned.v1' && before.policyVersion !== undefined) {
      bookings.push({ leadId: before.leadId, memberId: event.data.memberId, at, delta: -1, policyVersion: before.policyVersion, ratios: versions.get(before.policyVersion) ?? [] });
    }
    facts.state = evolveLead(before, event) as Lead;
  }
  return { bookings, leads, ratiosAtEnd, skippedResponses: 0 };
}

interface ReplayedLead extends LeadFacts {
  /** capture order: the live allocator hands pooled leads out oldest captured first */
  seq: number;
}

interface PolicyInForce {
  version: number;
  ratios: readonly LeadRatio[];
  acceptMinutes: number;
}

/**
 * Replays the record with `proposal` in force from `proposal.from`: before it, the ratios as recorded;
 * from it, the proposed ones (ratios set during the period are replaced by them; their acceptMinutes
 * still apply). A proposal equal to the ratios in force at `from` changes nothing, so their version and
 * its counts go on; any other proposal is what a lead setting it at `from` would have made: a new version,
 * counted from 0. The recorded allocations are the replay's to make, never read; the members' responses
 * (accept, decline, time-out) happen at their recorded times to whoever holds the lead in the replay, when
 * the lead decider accepts them there; conversions and losses happen to the lead as recorded.
 */
export function replayPool(inputs: readonly RecordedInput[], proposal: RatiosProposal): PoolHistory {
  const leads = new Map<string, ReplayedLead>();
  const pooled = new Set<string>();
  // pooled leads every member of the ratios in force declined or let time out: no run takes them until the
  // ratios change (then they are pooled again), so runs need not look at them (a month gathers many)
  const exhausted = new Set<string>();
  const roster = new Map<string, PoolMember>();
  const versions = new Map<number, readonly LeadRatio[]>();
  // the live allocator's whole state: each member's count under each version of the ratios
  const counts = new Map<number, Map<string, number>>();
  const bookings: Booking[] = [];
  let policy: PolicyInForce | undefined;
  let proposed = false;
  let captures = 0;
  let skippedResponses = 0;
  // when the allocator's run the record waits for is due (see beforeRun)
  let pending: Date | undefined;

  const countsOf = (version: number) => {
    let map = counts.get(version);
    if (!map) counts.set(version, (map = new Map()));
    return map;
  };
  const book = (lead: Lead, memberId: string, at: Date, delta: 1 | -1, version: number) => {
    const map = countsOf(version);
    map.set(memberId, (map.get(memberId) ?? 0) + delta);
    bookings.push({ leadId: lead.leadId, memberId, at, delta, policyVersion: version, ratios: versions.get(version) ?? [] });
  };
  const apply = (facts: ReplayedLead, events: readonly LeadEvent[]) => {
    for (const event of events) facts.state = evolveLead(facts.state, event) as Lead;
    exhausted.delete(facts.state.leadId);
    if (facts.state.status === 'pooled' && !facts.state.erased) pooled.add(facts.state.leadId);
    else pooled.delete(facts.state.leadId);
  };

  // the live allocator's run (LeadAllocator.plan, over every batch): the pooled leads someone eligible may
  // take (as its query: not declined by every eligible member), oldest captured first, each to nextMember
  // among the eligible who did not decline it, decided by the lead decider, counted
  const allocate = (at: Date) => {
    if (!policy || pooled.size === 0) return;
    const { ratios, version, acceptMinutes } = policy;
    const eligible = eligibleMembers(
      ratios,
      ratios.flatMap((r) => roster.get(r.memberId) ?? []),
    );
    if (eligible.length === 0) return;
    const counted = countsOf(version);
    const order: ReplayedLead[] = [];
    for (const id of pooled) {
      const facts = leads.get(id) as ReplayedLead;
      const { declinedBy } = facts.state;
      if (eligible.some((memberId) => !declinedBy.includes(memberId))) order.push(facts);
      else if (ratios.every((r) => r.weight <= 0 || declinedBy.includes(r.memberId))) {
        pooled.delete(id);
        exhausted.add(id);
      }
    }
    order.sort((a, b) => a.seq - b.seq);
    for (const facts of order) {
      const declinedBy = facts.state.declinedBy;
      const pick = nextMember(ratios, counted, (memberId) => eligible.includes(memberId) && !declinedBy.includes(memberId));
      if (!('memberId' in pick)) continue;
      const acceptBy = new Date(at.getTime() + acceptMinutes * 60_000);
      const decision = decideLead(
        { type: 'AllocateLead', leadId: facts.state.leadId, memberId: pick.memberId, policyVersion: version, acceptBy, actor: LEAD_POOL, at },
        facts.state,
      );
      if (!decision.ok) continue;
      apply(facts, decision.events);
      book(facts.state, pick.memberId, at, 1, version);
    }
  };

  // the run the record is waiting for, if any, before an input that does not belong before it
  const runPending = (next?: RecordedInput) => {
    if (!pending || (next && beforeRun(pending, next))) return;
    const at = pending;
    pending = undefined;
    allocate(at);
  };

  // new ratios: the leads every member of the old ones declined may go to someone again
  const ratiosChanged = () => {
    for (const id of exhausted) pooled.add(id);
    exhausted.clear();
  };

  const propose = (at: Date) => {
    proposed = true;
    if (policy && sameRatios(policy.ratios, proposal.ratios)) return;
    const version = (policy?.version ?? 0) + 1;
    const ratios = proposal.ratios.map(({ memberId, weight }) => ({ memberId, weight }));
    versions.set(version, ratios);
    policy = { version, ratios, acceptMinutes: policy?.acceptMinutes ?? DEFAULT_ACCEPT_MINUTES };
    ratiosChanged();
    // as a lead setting them: the allocator's run follows
    pending = at;
  };

  // a member's response as recorded, made by whoever holds the lead in the replay (a lead's or the pool's own stay theirs)
  const respond = (facts: ReplayedLead | undefined, recorded: { memberId: string }, actor: Actor, command: (actor: Actor) => LeadCommand): boolean => {
    if (!facts) return false;
    const holder = facts.state.allocatedTo;
    const who = holder && actor.id === recorded.memberId && actor.role !== 'service' ? { ...actor, id: holder } : actor;
    const decision = decideLead(command(who), facts.state);
    if (!decision.ok) return false;
    apply(facts, decision.events);
    return true;
  };

  for (const input of inputs) {
    runPending(input);
    if (!proposed && input.at.getTime() >= proposal.from.getTime()) {
      propose(proposal.from);
      runPending(input);
    }
    const { at } = input;
    switch (input.source) {
      case 'policy': {
        const { version, ratios, acceptMinutes } = input.event.data;
        if (proposed) {
          // the proposal replaces the ratios set during the period; how long members have to accept is still as recorded
          if (policy) policy = { ...policy, acceptMinutes };
          continue;
        }
        versions.set(version, ratios);
        policy = { version, ratios, acceptMinutes };
        ratiosChanged();
        // RatioPolicyService.set: the allocator's run, after the ratios commit
        pending = at;
        continue;
      }
      case 'roster': {
        const { event } = input;
        rosterMove(roster, event);
        // the reactor hands out what waits for a member coming on duty in the same transaction
        if (event.type === 'support.member.went-on-duty.v1') allocate(at);
        continue;
      }
      case 'lead': {
        const { event, actor } = input;
        if (event.type === 'support.lead.captured.v1') {
          const facts: ReplayedLead = {
            capturedAt: at,
            sourceMemberId: event.data.source.memberId,
            state: evolveLead(initialLeadState(), event) as Lead,
            seq: captures++,
          };
          leads.set(event.data.leadId, facts);
          apply(facts, []);
          // in the capture's transaction (a group commit's captures are allocated after all of them, oldest
          // first with the same counts: the same allocations as one run after each)
          allocate(at);
          continue;
        }
        const facts = leads.get(event.data.leadId);
        switch (event.type) {
          // the replay's to decide
          case 'support.lead.allocated.v1':
            continue;
          case 'support.lead.accepted.v1':
            if (!respond(facts, event.data, actor, (who) => ({ type: 'AcceptLead', leadId: event.data.leadId, actor: who, at }))) skippedResponses++;
            continue;
          case 'support.lead.returned.v1': {
            const held = facts?.state.status === 'allocated' ? { memberId: facts.state.allocatedTo as string, version: facts.state.policyVersion as number } : undefined;
            const responded = respond(facts, event.data, actor, (who) =>
              event.data.why === 'declined'
                ? { type: 'DeclineLead', leadId: event.data.leadId, actor: who, at, ...(event.data.reason ? { reason: event.data.reason } : {}) }
                : { type: 'ExpireAllocation', leadId: event.data.leadId, actor: LEAD_POOL, at },
            );
            if (!responded || !facts || !held) {
              skippedResponses++;
              continue;
            }
            // as LeadAllocator.takeBack: the member's share is owed again under the allocation's version
            book(facts.state, held.memberId, at, -1, held.version);
            // the allocator's run after a decline (LeadService.execute) or the run that took it back (expireDue)
            pending = at;
            continue;
          }
          default: {
            // conversions, losses, erasures, merges and flags happen to the lead as recorded, when its state allows
            if (!facts) continue;
            const transition = LEAD_TRANSITIONS[transitionOf(event)];
            if (!transition.from.includes(facts.state.status) || (event.type === 'support.lead.erased.v1' && facts.state.erased)) {
              if (event.type === 'support.lead.converted.v1' || event.type === 'support.lead.lost.v1') skippedResponses++;
              continue;
            }
            const replayed = event.type === 'support.lead.converted.v1' ? { ...event, data: { ...event.data, memberId: facts.state.acceptedBy ?? event.data.memberId } } : event;
            apply(facts, [replayed]);
            continue;
          }
        }
      }
    }
  }
  runPending();
  if (!proposed) propose(proposal.from);
  runPending();
  return { bookings, leads, ratiosAtEnd: policy?.ratios ?? [], skippedResponses };
}

type OtherLeadEvent = Exclude<LeadEvent['type'], 'support.lead.captured.v1' | 'support.lead.allocated.v1' | 'support.lead.accepted.v1' | 'support.lead.returned.v1'>;

const TRANSITION_OF: Record<OtherLeadEvent, keyof typeof LEAD_TRANSITIONS> = {
  'support.lead.duplicate-captured.v1': 'MergeDuplicate',
  'support.lead.converted.v1': 'ConvertLead',
  'support.lead.lost.v1': 'LoseLead',
  'support.lead.hoarding-flagged.v1': 'FlagHoarding',
  'support.lead.erased.v1': 'EraseLead',
};

function transitionOf(event: LeadEvent): keyof typeof LEAD_TRANSITIONS {
  return TRANSITION_OF[event.type as OtherLeadEvent];
}

/**
 * The pool's own events (in its store's order) and the roster events it consumed (in their recorded
 * order) as one sequence: a roster event goes right before the first event of the pool's it caused (the
 * allocations a member coming on duty got, at the time the pool acted), else before the first of the
 * pool's events recorded at or after it (at the time routing recorded it); roster events keep their order.
 */
export function mergeRecord(
  own: ReadonlyArray<{ input: RecordedInput; causationId?: string | null }>,
  roster: ReadonlyArray<{ input: RecordedInput & { source: 'roster' }; id: string }>,
): RecordedInput[] {
  const caused = new Map<string, number>();
  own.forEach(({ causationId }, index) => {
    if (causationId && !caused.has(causationId)) caused.set(causationId, index);
  });
  const merged: RecordedInput[] = [];
  let next = 0;
  let byTime = 0;
  for (const { input, id } of roster) {
    while (byTime < own.length && own[byTime].input.at.getTime() < input.at.getTime()) byTime++;
    const cause = caused.get(id);
    const anchor = Math.max(next, cause ?? byTime);
    while (next < anchor) merged.push(own[next++].input);
    merged.push(cause !== undefined && cause >= next ? { ...input, at: own[cause].input.at } : input);
  }
  while (next < own.length) merged.push(own[next++].input);
  return merged;
}

/** The roster as the pool knew it after `inputs`: registered, on and off duty, as its roster reactor keeps it. */
export function rosterAfter(inputs: readonly RecordedInput[]): Map<string, PoolMember> {
  const roster = new Map<string, PoolMember>();
  for (const input of inputs) {
    if (input.source !== 'roster') continue;
    rosterMove(roster, input.event);
  }
  return roster;
}

// as LeadPoolReactor.onRosterEvent: registered off duty, on and off duty; profile changes do not concern the pool
function rosterMove(roster: Map<string, PoolMember>, event: RosterEvent): void {
  const memberId = event.data.memberId;
  if (event.type === 'support.member.registered.v1') roster.set(memberId, { memberId, role: event.data.role, onDuty: false });
  if (event.type === 'support.member.went-on-duty.v1' || event.type === 'support.member.went-off-duty.v1') {
    roster.set(memberId, { memberId, role: roster.get(memberId)?.role ?? 'agent', onDuty: event.type === 'support.member.went-on-duty.v1' });
  }
}
