import { Assignee, Difficulty, MemberRole, nextTier, Tier, TIERS, Urgency } from '@support/contracts';
import { Rejection, reject } from '@support/decider';
import { TIER_OF_ROLE } from './member.decider';

// Routing's policy as pure, deterministic functions: the same ticket and the same members (in any order)
// always give the same answer. Time never enters: "least recently assigned" reads lastAssignedAt.

/** What the policy needs to know of a ticket. */
export interface TicketToRoute {
  ticketId: string;
  urgency: Urgency;
  /** ISO 8601; the queue serves earlier tickets first */
  receivedAt: string;
  /** the desk's (or the diagnosis') classification, if any */
  triage?: { faultCategory?: string; scenario?: string; difficulty?: Difficulty };
  /** who works the ticket now, if anyone (reassignment) */
  assigneeId?: string;
  /** the scenario catalogue's entry for the triage's scenario; absent when the catalogue does not list it */
  catalogued?: { fixed: boolean };
}

/** A member as the policy weighs them: profile, duty and current load (a persisted roster entry fits). */
export interface Candidate {
  memberId: string;
  role: MemberRole;
  name: string;
  tier: Tier;
  skills: readonly string[];
  scenarios: readonly string[];
  capacity: number;
  onDuty: boolean;
  openTickets: number;
  /** ISO 8601; absent = never assigned, which counts as longest ago */
  lastAssignedAt?: string;
  assignedCount: number;
}

/** An employee gets the ticket (`assign`), or a whitelisted contractor gets a fixed scenario (`dispatch`). */
export interface ChosenAssignee {
  ok: true;
  kind: 'assign' | 'dispatch';
  assignee: Assignee;
  tier: Tier;
  /** set for `dispatch`: the fixed scenario the contractor is whitelisted for */
  scenario?: string;
  /** a short sentence naming the rule that chose */
  reason: string;
}

export interface NoAssignee {
  ok: false;
  /** why nobody is eligible: the ticket waits */
  reason: string;
}

export type AssigneeChoice = ChosenAssignee | NoAssignee;

export interface ChosenEscalation {
  ok: true;
  kind: 'escalate';
  assignee: Assignee;
  fromTier: Tier;
  toTier: Tier;
  reason: string;
}

/** `final`: there is no tier above (refuse, 409); otherwise nobody of the next tier is free (wait). */
export interface NoEscalationTarget {
  ok: false;
  final: boolean;
  reason: string;
}

export type EscalationChoice = ChosenEscalation | NoEscalationTarget;

/** A contractor may take the ticket (`scenario` is the fixed scenario they run), or why not. */
export type ContractorEligibility = { ok: true; scenario: string } | { ok: false; reason: string };

/** A lead's choice checked: refusals are `Rejection`s (`not-found` -> 404, `illegal-transition` -> 409). */
export type ManualAssignmentCheck = ChosenAssignee | Rejection;

/** A waiting ticket; with `escalation` it waits for a member of the tier above `fromTier`. */
export interface QueuedTicket extends TicketToRoute {
  escalation?: { fromTier: Tier };
}

export interface DrainResult {
  /** what to decide now, in queue order */
  assignments: Array<{ ticket: QueuedTicket; choice: ChosenAssignee | ChosenEscalation }>;
  /** what keeps waiting, in queue order, each with why */
  waiting: Array<{ ticket: QueuedTicket; reason: string }>;
}

/** The escalation chain: the role that works each tier. Contractors are outside it. */
export const CHAIN_ROLE: Readonly<Record<Tier, MemberRole>> = { L1: 'agent', L2: 'senior', L3: 'lead' };

// outside a drain nobody was assigned "in this batch"
const NO_BATCH: ReadonlyMap<string, number> = new Map();

/**
 * Who gets a new ticket.
 * - Hard problems (difficulty `hard`) go to an L2 senior; no fallback (an agent cannot take them, a lead is
 *   only reached by escalation): they wait.
 * - Fixed-scenario problems (the catalogue lists the scenario as fixed, or difficulty `fixed-scenario` with a
 *   scenario, or any non-hard ticket whose scenario is on some contractor's whitelist) go to an on-duty
 *   contractor who may take it (see `contractorMayTake`); when none is free they fall back to the common rule.
 *   A scenario the catalogue lists as not fixed follows the common rule at once. An explicit `hard` beats a
 *   whitelisted scenario: contractors only run SOPs.
 * - Common problems go to an L1 agent. The skill (the fault category) is a preference among the agents who
 *   are free: a ticket never waits for one skilled agent while another agent could start on it.
 * Only members on duty with free capacity (open tickets < capacity) are eligible; leads never get a ticket
 * here. Among eligible: fewest open tickets, then least recently assigned, then memberId.
 */
export function chooseAssignee(ticket: TicketToRoute, candidates: readonly Candidate[]): AssigneeChoice {
  return assigneeFor(ticket, candidates, NO_BATCH);
}

/**
 * Who takes an escalation from `fromTier`: a member of the next tier (L2 senior, L3 lead), on duty, with
 * free capacity (a lead's capacity counts too), fewest open tickets first, same tie-breaks. L3 is final.
 */
export function chooseEscalationTarget(ticket: TicketToRoute, fromTier: Tier, candidates: readonly Candidate[]): EscalationChoice {
  return escalationFor(ticket, fromTier, candidates, NO_BATCH);
}

/**
 * Whether a contractor may take the ticket, automatically or by a lead's hand: the ticket has a scenario, is
 * not hard (contractors only run SOPs), the scenario is fixed and on the contractor's whitelist. The catalogue
 * says what is fixed: a scenario it lists as not fixed never goes to a contractor, whatever the triage says.
 * A scenario it does not list counts as fixed when whitelisted, as before the catalogue, so a team without one
 * still works. Duty and capacity are checked apart.
 */
export function contractorMayTake(ticket: TicketToRoute, contractor: Candidate): ContractorEligibility {
  const who = `${contractor.role} ${contractor.memberId}`;
  const scenario = scenarioOf(ticket);
  if (!scenario) return { ok: false, reason: `${who} takes only fixed scenarios on their whitelist, and ticket ${ticket.ticketId} has no scenario` };
  if (ticket.triage?.difficulty === 'hard') return { ok: false, reason: `a hard problem cannot go to ${who}: contractors only run SOPs for fixed scenarios` };
  if (ticket.catalogued?.fixed === false) return { ok: false, reason: `${notFixed(scenario)}: contractors take fixed scenarios only` };
  if (!contractor.scenarios.includes(scenario)) return { ok: false, reason: `${who} is not whitelisted for scenario ${scenario}` };
  return { ok: true, scenario };
}

/**
 * A lead's manual (re)assignment, checked against the same rules as the automatic one: the member exists,
 * is on duty and has free capacity, and is not already the assignee; a contractor takes only what
 * `contractorMayTake` allows; a hard problem needs tier L2 or above. Within that the lead may choose any
 * employee, a higher tier than the policy would (e.g. a senior for a common fault) included.
 */
export function checkManualAssignment(ticket: TicketToRoute, member: Candidate | undefined): ManualAssignmentCheck {
  if (!member) return reject('not-found', 'the chosen member is not on the roster');
  const who = `${member.role} ${member.memberId}`;
  if (ticket.assigneeId === member.memberId) return reject('illegal-transition', `ticket ${ticket.ticketId} is already assigned to ${who}`);
  if (!member.onDuty) return reject('illegal-transition', `${who} is off duty`);
  const eligibility = member.role === 'contractor' ? contractorMayTake(ticket, member) : undefined;
  if (eligibility && !eligibility.ok) return reject('illegal-transition', eligibility.reason);
  if (member.role === 'agent' && ticket.triage?.difficulty === 'hard') {
    return reject('illegal-transition', `a hard problem needs tier L2 or above, and ${who} is L1`);
  }
  if (!hasRoom(member)) return reject('illegal-transition', `${who} is at capacity (${load(member)} open tickets)`);
  const tier = TIER_OF_ROLE[member.role];
  if (eligibility) {
    const { scenario } = eligibility;
    return {
      ok: true,
      kind: 'dispatch',
      assignee: assigneeOf(member),
      tier,
      scenario,
      reason: `manual dispatch: ${who} is whitelisted for scenario ${scenario} (${load(member)} open tickets)`,
    };
  }
  return { ok: true, kind: 'assign', assignee: assigneeOf(member), tier, reason: `manual assignment to ${tier} ${who} (${load(member)} open tickets)` };
}

/** Comparator for waiting tickets: urgent before normal, then earlier receivedAt, then ticketId. */
export function queueOrder(a: TicketToRoute, b: TicketToRoute): number {
  if (a.urgency !== b.urgency) return a.urgency === 'urgent' ? -1 : 1;
  return compare(instant(a.receivedAt, Infinity), instant(b.receivedAt, Infinity)) || compare(a.ticketId, b.ticketId);
}

/**
 * The decisions to make now for waiting tickets: each ticket in queue order takes its best eligible member
 * among the slots still free, and the loads are updated as it goes (nobody goes over capacity, and the
 * least-loaded rule spreads one batch fairly). A ticket nobody can take stays, and later tickets go on.
 *
 * The rule for tickets nobody can take: they are skipped, never reserve anything, and never block later
 * tickets. This cannot let a later (normal) ticket take a slot an earlier (urgent) one could use: a ticket is
 * skipped only when every member it could use, fallbacks included, is full (a fixed-scenario ticket can use
 * an agent when no whitelisted contractor is free), and a drain only fills slots, it never frees one. So a
 * later ticket only takes slots the skipped one cannot use: an agent's slot while a hard ticket waits for a
 * senior, a contractor's while a common ticket waits for an agent. The urgent ticket thus gets the last
 * agent slot before any normal ticket does. An escalation frees its old assignee's slot only once intake
 * records it; the next drain, triggered by that event, hands the slot out in queue order.
 */
export function drainQueue(queue: readonly QueuedTicket[], candidates: readonly Candidate[]): DrainResult {
  const members = candidates.map((candidate) => ({ ...candidate }));
  const byId = new Map(members.map((member) => [member.memberId, member]));
  if (byId.size !== members.length) throw new Error('drainQueue: a member appears twice among the candidates');

  // members assigned in this batch count as more recent than any earlier assignment, in batch order
  const batch = new Map<string, number>();
  let sequence = 0;
  const result: DrainResult = { assignments: [], waiting: [] };
  for (const ticket of [...queue].sort(queueOrder)) {
    const choice = ticket.escalation ? escalationFor(ticket, ticket.escalation.fromTier, members, batch) : assigneeFor(ticket, members, batch);
    if (!choice.ok) {
      result.waiting.push({ ticket, reason: choice.reason });
      continue;
    }
    const member = byId.get(choice.assignee.id)!;
    member.openTickets += 1;
    member.assignedCount += 1;
    batch.set(member.memberId, ++sequence);
    result.assignments.push({ ticket, choice });
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------

function assigneeFor(ticket: TicketToRoute, candidates: readonly Candidate[], batch: ReadonlyMap<string, number>): AssigneeChoice {
  const difficulty = ticket.triage?.difficulty;
  const category = ticket.triage?.faultCategory?.trim() || undefined;
  const scenario = scenarioOf(ticket);

  if (difficulty === 'hard') {
    const seniors = candidates.filter((c) => c.role === CHAIN_ROLE.L2);
    const best = leastLoaded(seniors.filter(hasRoom), batch);
    if (!best) return { ok: false, reason: `hard problem: ${nobodyFree('L2 senior', seniors)}` };
    return chosen(best, 'L2', `hard problem: L2 senior with fewest open tickets (${load(best)})`);
  }

  let fallback = '';
  const whitelisted = candidates.filter((c) => c.role === 'contractor' && contractorMayTake(ticket, c).ok);
  if (scenario && ticket.catalogued?.fixed === false) {
    // the catalogue's word beats the triage's: no contractor, a normal ticket
    fallback = `${notFixed(scenario)}, so the common rule applies; `;
  } else if (scenario && (difficulty === 'fixed-scenario' || ticket.catalogued?.fixed || whitelisted.length > 0)) {
    const best = leastLoaded(whitelisted.filter(hasRoom), batch);
    if (best) {
      return {
        ...chosen(best, TIER_OF_ROLE.contractor, `fixed scenario ${scenario}: whitelisted contractor with fewest open tickets (${load(best)})`),
        kind: 'dispatch',
        scenario,
      };
    }
    fallback = `fixed scenario ${scenario}: ${nobodyFree('whitelisted contractor', whitelisted)}, so the common rule applies; `;
  } else if (difficulty === 'fixed-scenario') {
    fallback = 'fixed-scenario problem without a scenario, so the common rule applies; ';
  }

  const agents = candidates.filter((c) => c.role === CHAIN_ROLE.L1);
  const free = agents.filter(hasRoom);
  const problem = category ? `common fault ${category}` : 'common problem';
  if (free.length === 0) return { ok: false, reason: `${fallback}${problem}: ${nobodyFree('L1 agent', agents)}` };
  if (category) {
    const skilled = leastLoaded(
      free.filter((c) => c.skills.includes(category)),
      batch,
    );
    if (skilled) return chosen(skilled, 'L1', `${fallback}${problem}: L1 agent with the skill and fewest open tickets (${load(skilled)})`);
    const best = leastLoaded(free, batch)!;
    return chosen(best, 'L1', `${fallback}${problem}: no free L1 agent has the skill, so the L1 agent with fewest open tickets (${load(best)})`);
  }
  const best = leastLoaded(free, batch)!;
  return chosen(best, 'L1', `${fallback}${problem}: L1 agent with fewest open tickets (${load(best)})`);
}

function escalationFor(_ticket: TicketToRoute, fromTier: Tier, candidates: readonly Candidate[], batch: ReadonlyMap<string, number>): EscalationChoice {
  if (!TIERS.includes(fromTier)) throw new Error(`unknown tier ${String(fromTier)}`);
  const toTier = nextTier(fromTier);
  if (!toTier) return { ok: false, final: true, reason: 'L3 is final' };
  const label = `${toTier} ${CHAIN_ROLE[toTier]}`;
  const pool = candidates.filter((c) => c.role === CHAIN_ROLE[toTier]);
  const best = leastLoaded(pool.filter(hasRoom), batch);
  if (!best) return { ok: false, final: false, reason: `escalation ${fromTier} -> ${toTier}: ${nobodyFree(label, pool)}` };
  return {
    ok: true,
    kind: 'escalate',
    assignee: assigneeOf(best),
    fromTier,
    toTier,
    reason: `escalation ${fromTier} -> ${toTier}: ${label} with fewest open tickets (${load(best)})`,
  };
}

const hasRoom = (c: Candidate): boolean => c.onDuty && c.openTickets < c.capacity;

/**
 * The member who should get the next ticket: fewest open tickets, then least recently assigned (never
 * assigned first; in a drain, members assigned in this batch after everyone else, in batch order), then
 * memberId. A total order, so the input order never matters.
 */
function leastLoaded<C extends Candidate>(pool: readonly C[], batch: ReadonlyMap<string, number>): C | undefined {
  let best: C | undefined;
  for (const c of pool) if (!best || byLoad(c, best, batch) < 0) best = c;
  return best;
}

function byLoad(a: Candidate, b: Candidate, batch: ReadonlyMap<string, number>): number {
  return (
    compare(a.openTickets, b.openTickets) ||
    compare(batch.get(a.memberId) ?? -1, batch.get(b.memberId) ?? -1) ||
    compare(instant(a.lastAssignedAt, -Infinity), instant(b.lastAssignedAt, -Infinity)) ||
    compare(a.memberId, b.memberId)
  );
}

function chosen(member: Candidate, tier: Tier, reason: string): ChosenAssignee {
  return { ok: true, kind: 'assign', assignee: assigneeOf(member), tier, reason };
}

const assigneeOf = (member: Candidate): Assignee => ({ id: member.memberId, role: member.role, name: member.name });

const load = (member: Candidate): string => `${member.openTickets}/${member.capacity}`;

function nobodyFree(label: string, pool: readonly Candidate[]): string {
  if (pool.length === 0) return `no ${label} on the roster`;
  const offDuty = pool.filter((c) => !c.onDuty).length;
  const full = pool.filter((c) => c.onDuty && c.openTickets >= c.capacity).length;
  return `no ${label} on duty with free capacity (of ${pool.length}: ${offDuty} off duty, ${full} at capacity)`;
}

/** the triage's scenario, trimmed; undefined when there is none */
export function scenarioOf(ticket: Pick<TicketToRoute, 'triage'>): string | undefined {
  const scenario = ticket.triage?.scenario?.trim();
  return scenario ? scenario : undefined;
}

const notFixed = (scenario: string): string => `scenario ${scenario} is not a fixed scenario in the catalogue`;

/** Milliseconds of an ISO time; `missing` when absent or unreadable. */
function instant(iso: string | undefined, missing: number): number {
  const ms = iso === undefined ? NaN : Date.parse(iso);
  return Number.isNaN(ms) ? missing : ms;
}

function compare<T extends number | string>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
