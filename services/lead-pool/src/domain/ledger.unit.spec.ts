import { LeadRatio } from '@support/contracts';
import { expectedShares, ledgerLines, RatiosOfVersion } from './ledger';

// the studio of DOMAIN.md, 2 : 2 : 1; then the lead adds a member mid-week
const V1: LeadRatio[] = [
  { memberId: 'agent-wang', weight: 2 },
  { memberId: 'agent-liu', weight: 2 },
  { memberId: 'senior-li', weight: 1 },
];
const V2: LeadRatio[] = [...V1, { memberId: 'agent-zhou', weight: 5 }];
const HISTORY: RatiosOfVersion[] = [
  { version: 1, ratios: V1 },
  { version: 2, ratios: V2 },
];

describe('the weekly ledger', () => {
  it("sums each allocation's share under the ratios it was made under, not the ratios now", () => {
    // 1,000 at 2:2:1, then 1,000 at 2:2:1:5 (the case: not 2,000 x the new ratios)
    const expected = expectedShares(
      [
        { policyVersion: 1, allocations: 1000 },
        { policyVersion: 2, allocations: 1000 },
      ],
      HISTORY,
    );
    expect(Object.fromEntries(expected)).toEqual({ 'agent-wang': 400 + 200, 'agent-liu': 400 + 200, 'senior-li': 200 + 100, 'agent-zhou': 500 });
  });

  it('gives a member who joined later nothing of the allocations before', () => {
    const expected = expectedShares([{ policyVersion: 1, allocations: 10 }], HISTORY);
    expect(expected.has('agent-zhou')).toBe(false);
    const lines = ledgerLines([{ memberId: 'agent-zhou', contributed: 3, received: 0 }], [{ policyVersion: 1, allocations: 10 }], HISTORY, V2);
    expect(lines.find((l) => l.memberId === 'agent-zhou')).toEqual({ memberId: 'agent-zhou', contributed: 3, received: 0, weight: 5, expected: 0, deviation: 0 });
  });

  it("takes a returned allocation's shares out under the version it was made under", () => {
    // 5 allocated under version 1; after the change one of them is declined and returns (-1 under version 1)
    const expected = expectedShares(
      [
        { policyVersion: 1, allocations: 5 - 1 },
        { policyVersion: 2, allocations: 10 },
      ],
      HISTORY,
    );
    expect(Object.fromEntries(expected)).toEqual({ 'agent-wang': 1.6 + 2, 'agent-liu': 1.6 + 2, 'senior-li': 0.8 + 1, 'agent-zhou': 5 });
  });

  it('counts a version missing from the history for nobody', () => {
    expect(expectedShares([{ policyVersion: 7, allocations: 3 }], HISTORY).size).toBe(0);
  });

  it('lists every member booked, in the ratios now or expecting a share, with received - expected to 2 decimals', () => {
    const thirds: RatiosOfVersion[] = [{ version: 1, ratios: V1.map((r) => ({ ...r, weight: 1 })) }];
    const lines = ledgerLines(
      [
        { memberId: 'agent-wang', contributed: 4, received: 4 },
        { memberId: 'agent-liu', contributed: 0, received: 3 },
        { memberId: 'senior-li', contributed: 1, received: 3 },
        { memberId: 'lead-zhang', contributed: 2, received: 0 },
      ],
      [{ policyVersion: 1, allocations: 10 }],
      thirds,
      [{ memberId: 'agent-zhou', weight: 1 }],
    );
    expect(lines).toEqual([
      { memberId: 'agent-liu', contributed: 0, received: 3, weight: 0, expected: 3.33, deviation: -0.33 },
      { memberId: 'agent-wang', contributed: 4, received: 4, weight: 0, expected: 3.33, deviation: 0.67 },
      { memberId: 'agent-zhou', contributed: 0, received: 0, weight: 1, expected: 0, deviation: 0 },
      { memberId: 'lead-zhang', contributed: 2, received: 0, weight: 0, expected: 0, deviation: 0 },
      { memberId: 'senior-li', contributed: 1, received: 3, weight: 0, expected: 3.33, deviation: -0.33 },
    ]);
  });

  it("sums to the week's allocations: fairness compares like with like", () => {
    const allocations = [
      { policyVersion: 1, allocations: 7 },
      { policyVersion: 2, allocations: 13 },
    ];
    const total = [...expectedShares(allocations, HISTORY).values()].reduce((sum, share) => sum + share, 0);
    expect(total).toBeCloseTo(20, 10);
  });
});
