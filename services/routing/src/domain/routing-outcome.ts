import { inPeriod, MemberRole, minutesFrom, Percentiles, percentilesOf, Tier, TIERS, Urgency } from '@support/contracts';

// What a period of routing came to, from a sequence of routing's decisions and the tickets' lives: the same
// function measures the recorded decisions (actual) and a replay's (proposed), so the two compare.

/** the buckets of `byTier`: the escalation chain's tiers, then contractors (outside it) */
export const OUTCOME_TIERS = [...TIERS, 'contractor'] as const;
export type OutcomeTier = (typeof OUTCOME_TIERS)[number];

export interface RoutingOutcome {
  /** tickets received in the period */
  tickets: number;
  /** assignments to employees (automatic and manual) decided in the period */
  assigned: number;
  /** assignments to whitelisted contractors (dispatches) decided in the period */
  dispatched: number;
  /** of those assignments and dispatches, the ones a lead made by hand */
  manual: number;
  /** a lead's recorded manual assignments the replay could not make (no longer legal); 0 for what happened */
  manualSkipped: number;
  /** escalations decided in the period */
  escalations: number;
  /** tickets received in the period that nobody was handed by its end, and that were not resolved, closed or cancelled */
  waitingAtEnd: number;
  /** minutes from receipt to the first decision that handed the ticket to someone, for tickets received in the period */
  queueWait: { all: Percentiles; urgent: Percentiles; normal: Percentiles };
  /** per tier (L1, L2, L3, then contractor): tickets handed to it in the period, and the queue wait of those it got first */
  byTier: Array<{ tier: OutcomeTier; assigned: number; queueWait: Percentiles }>;
  /** per member, by member id: tickets handed to them in the period and their peak of open tickets in it */
  members: Array<{ memberId: string; name: string; role: MemberRole; tier: Tier; assigned: number; maxOpen: number }>;
}

/** one of routing's decisions, with its time (recorded, or the replay's) */
export interface DecisionAt {
  at: string;
  ticketId: string;
  type: string;
  data: {
    assignee?: { id: string; role: string; name?: string };
    tier?: Tier;
    toTier?: Tier;
    mode?: string;
  };
}

/**
 * What happened to a ticket whoever worked it, as recorded: it left (resolved, closed, cancelled), came
 * back (reopened), or someone was confirmed as its holder by a decision made outside routing.
 */
export type TicketLife = { at: string; ticketId: string } & ({ kind: 'done' } | { kind: 'reopened' } | { kind: 'held'; memberId: string });

export interface OutcomeInputs {
  period: { from: Date; to: Date };
  /** each ticket's first receipt */
  tickets: ReadonlyArray<{ ticketId: string; urgency: Urgency; receivedAt: string }>;
  life: readonly TicketLife[];
  /** in the order they were made */
  decisions: readonly DecisionAt[];
  /** the roster as of the period's end */
  members: ReadonlyArray<{ memberId: string; name: string; role: MemberRole; tier: Tier }>;
  manualSkipped?: number;
}

const HANDING = new Set(['support.routing.assignment-decided.v1', 'support.routing.escalation-decided.v1']);

/** The outcome of a period: counts, queue waits (nearest-rank p50/p90) and loads, all in total orders. */
export function routingOutcome(inputs: OutcomeInputs): RoutingOutcome {
  const { period } = inputs;
  const before = (at: string) => Date.parse(at) < period.to.getTime();
  const handing = inputs.decisions.filter((d) => HANDING.has(d.type) && d.data.assignee);
  const inThePeriod = handing.filter((d) => inPeriod(d.at, period));

  // each ticket's first hand: the first decision that gave it to someone, before the period's end
  const firstHand = new Map<string, DecisionAt>();
  for (const d of handing) if (before(d.at) && !firstHand.has(d.ticketId)) firstHand.set(d.ticketId, d);
  const left = new Set(inputs.life.filter((l) => l.kind === 'done' && before(l.at)).map((l) => l.ticketId));

  const received = inputs.tickets.filter((t) => inPeriod(t.receivedAt, period));
  const waits: Record<'all' | Urgency, number[]> = { all: [], urgent: [], normal: [] };
  const tierWaits = new Map<OutcomeTier, number[]>(OUTCOME_TIERS.map((t) => [t, []]));
  let waitingAtEnd = 0;
  for (const ticket of received) {
    const first = firstHand.get(ticket.ticketId);
    if (!first) {
      if (!left.has(ticket.ticketId)) waitingAtEnd++;
      continue;
    }
    const minutes = minutesFrom(ticket.receivedAt, first.at);
    waits.all.push(minutes);
    waits[ticket.urgency].push(minutes);
    tierWaits.get(tierOf(first))!.push(minutes);
  }

  const assignments = inThePeriod.filter((d) => d.type === 'support.routing.assignment-decided.v1');
  const tierCounts = new Map<OutcomeTier, number>(OUTCOME_TIERS.map((t) => [t, 0]));
  const memberCounts = new Map<string, number>();
  for (const d of inThePeriod) {
    tierCounts.set(tierOf(d), tierCounts.get(tierOf(d))! + 1);
    memberCounts.set(d.data.assignee!.id, (memberCounts.get(d.data.assignee!.id) ?? 0) + 1);
  }
  const peaks = peakOpen(inputs);

  const roster = new Map(inputs.members.map((m) => [m.memberId, m]));
  // anyone handed work who is not on the roster as of the end still shows (a decision names them)
  for (const d of handing) {
    const a = d.data.assignee!;
    if (!roster.has(a.id)) roster.set(a.id, { memberId: a.id, name: a.name ?? a.id, role: a.role as MemberRole, tier: d.data.toTier ?? d.data.tier ?? 'L1' });
  }
  return {
    tickets: received.length,
    assigned: assignments.filter((d) => d.data.assignee!.role !== 'contractor').length,
    dispatched: assignments.filter((d) => d.data.assignee!.role === 'contractor').length,
    manual: assignments.filter((d) => d.data.mode === 'manual').length,
    manualSkipped: inputs.manualSkipped ?? 0,
    escalations: inThePeriod.filter((d) => d.type === 'support.routing.escalation-decided.v1').length,
    waitingAtEnd,
    queueWait: { all: percentilesOf(waits.all), urgent: percentilesOf(waits.urgent), normal: percentilesOf(waits.normal) },
    byTier: OUTCOME_TIERS.map((tier) => ({ tier, assigned: tierCounts.get(tier)!, queueWait: percentilesOf(tierWaits.get(tier)!) })),
    members: [...roster.values()]
      .sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0))
      .map((m) => ({ memberId: m.memberId, name: m.name, role: m.role, tier: m.tier, assigned: memberCounts.get(m.memberId) ?? 0, maxOpen: peaks.get(m.memberId) ?? 0 })),
  };
}

function tierOf(decision: DecisionAt): OutcomeTier {
  if (decision.data.assignee?.role === 'contractor') return 'contractor';
  return (decision.type === 'support.routing.escalation-decided.v1' ? decision.data.toTier : decision.data.tier) ?? 'L1';
}

/**
 * Each member's peak of open tickets in the period (those carried in count from its start): a ticket is
 * its holder's open work from the decision (or confirmation) that hands it over until it leaves, and
 * again when reopened. At one instant the tickets' lives come before the decisions they cause.
 */
function peakOpen(inputs: OutcomeInputs): Map<string, number> {
  type Step = { at: number; order: number; apply: () => void };
  const holder = new Map<string, string>();
  const done = new Set<string>();
  const open = new Map<string, number>();
  const add = (memberId: string, by: number) => open.set(memberId, (open.get(memberId) ?? 0) + by);
  const hand = (ticketId: string, memberId: string) => {
    const previous = holder.get(ticketId);
    if (previous !== undefined && !done.has(ticketId)) add(previous, -1);
    holder.set(ticketId, memberId);
    if (!done.has(ticketId)) add(memberId, +1);
  };
  const steps: Step[] = [];
  inputs.life.forEach((l, i) =>
    steps.push({
      at: Date.parse(l.at),
      order: i,
      apply: () => {
        const held = holder.get(l.ticketId);
        if (l.kind === 'held') hand(l.ticketId, l.memberId);
        else if (l.kind === 'done' && !done.has(l.ticketId)) {
          done.add(l.ticketId);
          if (held !== undefined) add(held, -1);
        } else if (l.kind === 'reopened' && done.has(l.ticketId)) {
          done.delete(l.ticketId);
          if (held !== undefined) add(held, +1);
        }
      },
    }),
  );
  inputs.decisions.forEach((d, i) => {
    if (HANDING.has(d.type) && d.data.assignee) steps.push({ at: Date.parse(d.at), order: inputs.life.length + i, apply: () => hand(d.ticketId, d.data.assignee!.id) });
  });
  steps.sort((a, b) => a.at - b.at || a.order - b.order);

  const peaks = new Map<string, number>();
  const from = inputs.period.from.getTime();
  const to = inputs.period.to.getTime();
  let started = false;
  const note = () => {
    for (const [memberId, n] of open) peaks.set(memberId, Math.max(peaks.get(memberId) ?? 0, n));
  };
  for (const step of steps) {
    if (step.at >= to) break;
    if (!started && step.at >= from) {
      started = true;
      note();
    }
    step.apply();
    if (started) note();
  }
  if (!started) note();
  return peaks;
}
