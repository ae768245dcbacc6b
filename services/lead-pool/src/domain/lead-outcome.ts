import { inPeriod, LeadRatio } from '@support/contracts';
import { exactShare } from './allocation';
import { PoolHistory } from './lead-simulation';

// what a period of the pool came to: the same function over the record and over a replay, so actual and
// proposed differ only by what the allocations did

/** One member's line over the period. */
export interface MemberOutcome {
  memberId: string;
  /** the member's weight in the ratios in force at the period's end (0 when not in them) */
  weight: number;
  /** leads captured in the period that the member brought in */
  contributed: number;
  /** of the period's leads, those allocated to the member and not taken back (declined, timed out) */
  received: number;
  /** the member's exact share of those allocations, each under the ratios it was made under (2 decimals) */
  exactShare: number;
  /** received - exactShare (2 decimals) */
  deviation: number;
}

/** The lead pool's outcome of a period: leads captured in `[from, to)`, as the period's end leaves them. */
export interface LeadOutcome {
  captured: number;
  /** the period's leads held by a member at the period's end (allocated, accepted, converted, or lost while held) */
  allocated: number;
  /** the period's leads still pooled at the period's end (erased ones left out) */
  waiting: number;
  /** by member id: every member in the ratios at the end, allocated to, expecting a share, or contributing */
  members: MemberOutcome[];
  /** the largest |received - exactShare| over the members at the period's end */
  largestDeviation: number;
  /** the same, the worst after any allocation or return of the period, in order */
  largestDeviationAtAnyPrefix: number;
}

// 2 decimals, and never -0
const hundredths = (value: number) => Math.round(value * 100) / 100 + 0;

/**
 * The outcome of a period from a history (the record's or a replay's): only the leads captured in the
 * period count, with every allocation and return of theirs. A member's exact share sums, per version of
 * the ratios, the version's net allocations × weight / total weight (allocated × weight / total weight
 * when one set of ratios was in force), so a change of ratios mid-period is judged as the ledger judges it.
 */
export function leadOutcome(history: PoolHistory, period: { from: Date; to: Date }): LeadOutcome {
  const ofPeriod = new Set<string>();
  let waiting = 0;
  const contributed = new Map<string, number>();
  for (const [leadId, facts] of history.leads) {
    if (!inPeriod(facts.capturedAt, period)) continue;
    ofPeriod.add(leadId);
    contributed.set(facts.sourceMemberId, (contributed.get(facts.sourceMemberId) ?? 0) + 1);
    if (facts.state.status === 'pooled' && !facts.state.erased) waiting++;
  }

  // net allocations per version of the ratios, and per member: the prefix's state, moved one booking at a time
  const byVersion = new Map<number, { ratios: readonly LeadRatio[]; net: number }>();
  const received = new Map<string, number>();
  const members = new Set<string>([...history.ratiosAtEnd.map((r) => r.memberId), ...contributed.keys()]);
  const expectedOf = (memberId: string) => {
    let sum = 0;
    for (const { ratios, net } of byVersion.values()) sum += exactShare(ratios, memberId, net);
    return sum;
  };
  let allocated = 0;
  let worstAtAnyPrefix = 0;
  for (const booking of history.bookings) {
    if (!ofPeriod.has(booking.leadId)) continue;
    allocated += booking.delta;
    const version = byVersion.get(booking.policyVersion) ?? { ratios: booking.ratios, net: 0 };
    version.net += booking.delta;
    byVersion.set(booking.policyVersion, version);
    received.set(booking.memberId, (received.get(booking.memberId) ?? 0) + booking.delta);
    members.add(booking.memberId);
    for (const r of booking.ratios) if (r.weight > 0) members.add(r.memberId);
    for (const memberId of members) worstAtAnyPrefix = Math.max(worstAtAnyPrefix, Math.abs((received.get(memberId) ?? 0) - expectedOf(memberId)));
  }

  const weights = new Map(history.ratiosAtEnd.map((r) => [r.memberId, r.weight]));
  let worst = 0;
  const lines = [...members].sort().map((memberId): MemberOutcome => {
    const got = received.get(memberId) ?? 0;
    const share = expectedOf(memberId);
    worst = Math.max(worst, Math.abs(got - share));
    return {
      memberId,
      weight: weights.get(memberId) ?? 0,
      contributed: contributed.get(memberId) ?? 0,
      received: got,
      exactShare: hundredths(share),
      deviation: hundredths(got - share),
    };
  });
  return {
    captured: ofPeriod.size,
    allocated,
    waiting,
    members: lines,
    largestDeviation: hundredths(worst),
    largestDeviationAtAnyPrefix: hundredths(worstAtAnyPrefix),
  };
}
