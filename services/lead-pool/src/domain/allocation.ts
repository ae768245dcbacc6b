import { LeadRatio } from '@support/contracts';

// who gets the next lead under the lead's preset ratios (DOMAIN.md "Lead pool"): pure and deterministic,
// a function of the counts so far only, so a restarted service continues the same sequence.
//
// the rule is Tijdeman's for the chairman assignment problem (R. Tijdeman, Discrete Mathematics 32, 1980).
// with k members, total weight W, n allocations so far and a member's count c and weight w, the member's
// deficit after the next allocation is (n + 1) * w / W - c. nginx's smooth weighted round robin gives the
// lead to the largest deficit; with 5 or more members that lets a member fall a whole lead behind its
// share (9:9:1:1:1 at the 14th allocation, 1:1:1:9:9:9 by 1.1 at the 17th). Tijdeman's rule instead takes,
// among the members whose deficit would be at least 1/(2k - 2), the one whose deficit would reach
// D = 1 - 1/(2k - 2) soonest (the smallest (c + D) / w): every count then stays within D of its exact
// share n * w / W, at every n, so within 1.

/** Who gets the next lead, or why nobody does. */
export type Allocation = { memberId: string } | { none: string };

/** Allocations each member has received under these ratios so far (a member missing counts 0). */
export type AllocationCounts = ReadonlyMap<string, number>;

interface Candidate {
  memberId: string;
  weight: number;
  count: number;
}

// a weight of 0 (the policy allows none, but a caller may pass one) never gets a lead
const weighted = (ratios: readonly LeadRatio[]) => ratios.filter((ratio) => ratio.weight > 0);
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/** The sum of the weights above 0. */
export function totalWeight(ratios: readonly LeadRatio[]): number {
  return sum(weighted(ratios).map((ratio) => ratio.weight));
}

/** What a member would have received of `n` allocations if leads could be split: n * weight / total. */
export function exactShare(ratios: readonly LeadRatio[], memberId: string, n: number): number {
  const total = totalWeight(ratios);
  const ratio = weighted(ratios).find((r) => r.memberId === memberId);
  return ratio && total > 0 ? (n * ratio.weight) / total : 0;
}

/**
 * How far a count may be from its exact share while every member is eligible: 1 - 1/(2k - 2) for k
 * members with a weight (0 for a single member), always below 1.
 */
export function shareBound(ratios: readonly LeadRatio[]): number {
  return 1 - 1 / scale(weighted(ratios).length);
}

// 2k - 2, the denominator of the bound; 1 for a single member (bound 0)
const scale = (members: number) => Math.max(2 * members - 2, 1);

/**
 * The member who gets the next lead under `ratios` (unique member ids, as the policy keeps them), given
 * each member's count so far under these ratios and who is eligible now: on duty, and not excluded for
 * this lead (e.g. a member who declined it or let it time out). Deterministic: ties go to the member
 * listed first. An ineligible member is skipped and, once eligible again, receives leads until their
 * count is back at their share. Contractors never take part in the lead pool: the application leaves
 * them out of the ratios (the policy refuses them) and of the eligible members.
 */
export function nextMember(ratios: readonly LeadRatio[], counts: AllocationCounts, eligible: (memberId: string) => boolean): Allocation {
  const members: Candidate[] = weighted(ratios).map(({ memberId, weight }) => ({ memberId, weight, count: counts.get(memberId) ?? 0 }));
  if (members.length === 0) return { none: 'the ratios give no member a weight above 0' };
  const candidates = members.filter((member) => eligible(member.memberId));
  if (candidates.length === 0) return { none: 'no member in the ratios is eligible: all are off duty or excluded for this lead' };

  const total = sum(members.map((member) => member.weight));
  const n = sum(members.map((member) => member.count));
  const q = scale(members.length);
  // in integers: deficit (n + 1) * w / W - c of at least 1/q
  const due = candidates.filter((member) => q * ((n + 1) * member.weight - member.count * total) >= total);
  // only while someone is ineligible can no eligible member be due: then the least ahead of its share
  const pool = due.length > 0 ? due : candidates;
  return { memberId: pool.reduce((best, member) => (sooner(member, best, q) ? member : best)).memberId };
}

// whose deficit reaches D = (q - 1)/q first: the smaller (c + D) / w, compared in integers
function sooner(a: Candidate, b: Candidate, q: number): boolean {
  return (q * a.count + q - 1) * b.weight < (q * b.count + q - 1) * a.weight;
}

/**
 * The first `n` allocations from no counts at all, for tests and previews: `eligible` is asked with the
 * allocation's index too (e.g. a member off duty for a while). Stops early when nobody is eligible.
 */
export function allocateSequence(ratios: readonly LeadRatio[], n: number, eligible: (memberId: string, index: number) => boolean = () => true): string[] {
  const counts = new Map<string, number>();
  const picked: string[] = [];
  for (let index = 0; index < n; index++) {
    const next = nextMember(ratios, counts, (memberId) => eligible(memberId, index));
    if ('none' in next) break;
    counts.set(next.memberId, (counts.get(next.memberId) ?? 0) + 1);
    picked.push(next.memberId);
  }
  return picked;
}
