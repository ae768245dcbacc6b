import { LeadRatio } from '@support/contracts';
import { exactShare } from './allocation';

// the weekly ledger (DOMAIN.md "Lead pool"): fairness is judged by received - expected, where expected
// follows the ratios in force at each allocation, not the ratios in force when the ledger is read

/**
 * The allocations booked into one week under one version of the ratios: +1 per allocation made under
 * it, -1 per allocation of it taken back (declined, timed out) in that week, as `received` is booked.
 */
export interface WeeklyAllocations {
  policyVersion: number;
  allocations: number;
}

/** One version of the ratios, as the policy's history keeps them. */
export interface RatiosOfVersion {
  version: number;
  ratios: readonly LeadRatio[];
}

/** One member's contributed and received leads in a week, as booked. */
export interface LedgerBooking {
  memberId: string;
  contributed: number;
  received: number;
}

/** A member's line of the weekly ledger. */
export interface LedgerLine extends LedgerBooking {
  /** the member's weight in the ratios in force now (0 when not in them) */
  weight: number;
  /** the sum of the member's shares of the week's allocations, each under the ratios it was made under */
  expected: number;
  /** received - expected: above 0 the member got more than the ratios promise, below 0 less */
  deviation: number;
}

/**
 * Each member's expected leads: over the week's allocations, n * weight / total weight of every version
 * they were made under. A member not in a version's ratios (e.g. who joined later) expects none of its
 * allocations. A version missing from the history counts for nobody (a bug upstream, not a share).
 */
export function expectedShares(allocations: readonly WeeklyAllocations[], history: readonly RatiosOfVersion[]): Map<string, number> {
  const expected = new Map<string, number>();
  for (const { policyVersion, allocations: n } of allocations) {
    const ratios = history.find((entry) => entry.version === policyVersion)?.ratios ?? [];
    for (const { memberId } of ratios) {
      const share = exactShare(ratios, memberId, n);
      if (share !== 0) expected.set(memberId, (expected.get(memberId) ?? 0) + share);
    }
  }
  return expected;
}

/**
 * The week's lines: every member booked, in the ratios now, or expecting a share, by member id;
 * expected and deviation to 2 decimals.
 */
export function ledgerLines(
  bookings: readonly LedgerBooking[],
  allocations: readonly WeeklyAllocations[],
  history: readonly RatiosOfVersion[],
  current: readonly LeadRatio[],
): LedgerLine[] {
  const expected = expectedShares(allocations, history);
  const members = [...new Set([...bookings.map((b) => b.memberId), ...current.map((r) => r.memberId), ...expected.keys()])].sort();
  return members.map((memberId) => {
    const booked = bookings.find((b) => b.memberId === memberId) ?? { contributed: 0, received: 0 };
    const share = expected.get(memberId) ?? 0;
    return {
      memberId,
      contributed: booked.contributed,
      received: booked.received,
      weight: current.find((r) => r.memberId === memberId)?.weight ?? 0,
      expected: hundredths(share),
      deviation: hundredths(booked.received - share),
    };
  });
}

// 2 decimals, and never -0
const hundredths = (value: number) => Math.round(value * 100) / 100 + 0;
