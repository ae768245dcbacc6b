import fc from 'fast-check';
import { LeadRatio } from '@support/contracts';
import { allocateSequence, AllocationCounts, exactShare, nextMember, shareBound, totalWeight } from './allocation';

const everyone = () => true;
const ids = (count: number) => Array.from({ length: count }, (_, i) => `member-${i}`);

// 1-6 members with weights 1-10, as the issue asks
const ratiosArb = fc
  .array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 6 })
  .map((weights) => ids(weights.length).map((memberId, i) => ({ memberId, weight: weights[i] })));

function countsOf(picked: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const memberId of picked) counts.set(memberId, (counts.get(memberId) ?? 0) + 1);
  return counts;
}

/** continues `counts` (a copy) by `steps` allocations, checking `each` after every one */
function continueFrom(ratios: LeadRatio[], counts: AllocationCounts, steps: number, eligible = everyone, each: (counts: Map<string, number>) => void = () => undefined): string[] {
  const current = new Map(counts);
  const picked: string[] = [];
  for (let step = 0; step < steps; step++) {
    const next = nextMember(ratios, current, eligible);
    if ('none' in next) throw new Error(next.none);
    current.set(next.memberId, (current.get(next.memberId) ?? 0) + 1);
    picked.push(next.memberId);
    each(current);
  }
  return picked;
}

// the largest |count - n * w / W| of all members, times W so that it is an exact integer
function worstOffset(ratios: LeadRatio[], counts: AllocationCounts): number {
  const total = totalWeight(ratios);
  let n = 0;
  for (const r of ratios) n += counts.get(r.memberId) ?? 0;
  let worst = 0;
  for (const r of ratios) worst = Math.max(worst, Math.abs(n * r.weight - (counts.get(r.memberId) ?? 0) * total));
  return worst;
}

/** the worst offset after each of `steps` allocations from `counts`, from the `from`-th on (expect is too slow per step) */
function worstOffsetOver(ratios: LeadRatio[], counts: AllocationCounts, steps: number, from = 0): number {
  let worst = 0;
  let step = 0;
  continueFrom(ratios, counts, steps, everyone, (current) => {
    if (++step >= from) worst = Math.max(worst, worstOffset(ratios, current));
  });
  return worst;
}

describe('allocation by preset ratios', () => {
  describe('every member eligible', () => {
    it('keeps every count within 1 of its exact share, indeed within 1 - 1/(2k-2), at every prefix of 10,000 allocations', () => {
      fc.assert(
        fc.property(ratiosArb, (ratios) => {
          const total = totalWeight(ratios);
          const q = Math.max(2 * ratios.length - 2, 1);
          const worst = worstOffsetOver(ratios, new Map(), 10_000);
          expect(worst).toBeLessThan(total); // |count - exact| < 1
          expect(q * worst).toBeLessThanOrEqual((q - 1) * total); // |count - exact| <= 1 - 1/q
        }),
      );
    });

    it('never gives a member two leads in a row while another member weighs as much or more', () => {
      fc.assert(
        fc.property(ratiosArb, (ratios) => {
          const weight = new Map(ratios.map((r) => [r.memberId, r.weight]));
          const picked = allocateSequence(ratios, 2_000);
          const heavier = (memberId: string) => ratios.filter((r) => r.memberId !== memberId && r.weight >= (weight.get(memberId) ?? 0)).map((r) => r.memberId);
          const unsmooth = picked.filter((memberId, i) => i > 0 && picked[i - 1] === memberId && heavier(memberId).length > 0);
          expect(unsmooth).toEqual([]);
        }),
      );
    });

    it('repeats with the period of the total weight: after W allocations each member has exactly its weight', () => {
      fc.assert(
        fc.property(ratiosArb, (ratios) => {
          const total = totalWeight(ratios);
          const picked = allocateSequence(ratios, 3 * total);
          expect(Object.fromEntries(countsOf(picked.slice(0, total)))).toEqual(Object.fromEntries(ratios.map((r) => [r.memberId, r.weight])));
          expect(picked.slice(total, 2 * total)).toEqual(picked.slice(0, total));
        }),
      );
    });

    it('gives 2 : 2 : 1 exactly 4000 / 4000 / 2000 of 10,000, smoothly', () => {
      const ratios = [
        { memberId: 'agent-wang', weight: 2 },
        { memberId: 'agent-liu', weight: 2 },
        { memberId: 'senior-li', weight: 1 },
      ];
      const picked = allocateSequence(ratios, 10_000);
      expect(Object.fromEntries(countsOf(picked))).toEqual({ 'agent-wang': 4000, 'agent-liu': 4000, 'senior-li': 2000 });
      expect(picked.slice(0, 10)).toEqual(['agent-wang', 'agent-liu', 'senior-li', 'agent-wang', 'agent-liu', 'agent-wang', 'agent-liu', 'senior-li', 'agent-wang', 'agent-liu']);
      expect(picked.some((memberId, i) => i > 0 && picked[i - 1] === memberId)).toBe(false);
    });

    it('stays within 1 where the largest-deficit rule (nginx) falls behind: 1:1:1:9:9:9 and 9:9:1:1:1', () => {
      for (const weights of [
        [1, 1, 1, 9, 9, 9],
        [9, 9, 1, 1, 1],
      ]) {
        const ratios = ids(weights.length).map((memberId, i) => ({ memberId, weight: weights[i] }));
        expect(worstOffsetOver(ratios, new Map(), 3 * totalWeight(ratios)) / totalWeight(ratios)).toBeLessThan(1);
      }
    });

    it('keeps large teams within 1 too (up to 100 members, weights up to 1000)', () => {
      const weightArb = fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 1000 }));
      const teamArb = fc.array(weightArb, { minLength: 7, maxLength: 100 }).map((weights) => ids(weights.length).map((memberId, i) => ({ memberId, weight: weights[i] })));
      fc.assert(
        fc.property(teamArb, (ratios) => {
          const q = 2 * ratios.length - 2;
          expect(q * worstOffsetOver(ratios, new Map(), 2_000)).toBeLessThanOrEqual((q - 1) * totalWeight(ratios));
        }),
        { numRuns: 20 },
      );
    });
  });

  describe('restarts', () => {
    it('continues the identical sequence from the counts alone (in any order, with strangers counted)', () => {
      fc.assert(
        fc.property(ratiosArb, fc.integer({ min: 0, max: 2_000 }), (ratios, cut) => {
          const whole = allocateSequence(ratios, cut + 200);
          const counts = [...countsOf(whole.slice(0, cut))].reverse();
          // a member no longer in the ratios keeps their old count: it must not matter
          const recovered = new Map([['former-member', 17], ...counts]);
          expect(continueFrom(ratios, recovered, 200)).toEqual(whole.slice(cut));
        }),
      );
    });
  });

  describe('eligibility', () => {
    it('never picks a member while off duty, then catches them up to within 1 of their share', () => {
      fc.assert(
        fc.property(
          ratiosArb.filter((r) => r.length >= 2),
          fc.nat(),
          fc.integer({ min: 0, max: 300 }),
          fc.integer({ min: 1, max: 300 }),
          (ratios, which, start, gap) => {
            const away = ratios[which % ratios.length].memberId;
            const offDuty = (memberId: string, index: number) => memberId === away && index >= start && index < start + gap;
            const before = allocateSequence(ratios, start + gap, (memberId, index) => !offDuty(memberId, index));
            expect(before.slice(start).includes(away)).toBe(false);

            // nobody can be within 1 again before the members served in their place are no longer a whole lead ahead
            const counts = countsOf(before);
            const total = totalWeight(ratios);
            const settled = Math.max(start + gap, ...ratios.map((r) => Math.ceil(((counts.get(r.memberId) ?? 0) * total) / r.weight)));
            const back = start + gap;
            expect(worstOffsetOver(ratios, counts, settled - back + 3 * total, settled - back) / total).toBeLessThan(1);
          },
        ),
        { numRuns: 200 },
      );
    });

    it('never picks a member excluded for this lead, whatever the counts', () => {
      fc.assert(
        fc.property(ratiosArb, fc.nat(), fc.array(fc.nat({ max: 50 }), { minLength: 6, maxLength: 6 }), (ratios, which, raw) => {
          const excluded = ratios[which % ratios.length].memberId;
          const counts = new Map(ratios.map((r, i) => [r.memberId, raw[i]]));
          const next = nextMember(ratios, counts, (memberId) => memberId !== excluded);
          if (ratios.length === 1) expect(next).toEqual({ none: expect.stringMatching(/no member in the ratios is eligible/) });
          else expect(next).toEqual({ memberId: expect.not.stringMatching(new RegExp(`^${excluded}$`)) });
        }),
      );
    });

    it('gives the lead to the next in line when the member most owed declined it', () => {
      const ratios = [
        { memberId: 'agent-wang', weight: 2 },
        { memberId: 'agent-liu', weight: 2 },
        { memberId: 'senior-li', weight: 1 },
      ];
      expect(nextMember(ratios, new Map(), everyone)).toEqual({ memberId: 'agent-wang' });
      expect(nextMember(ratios, new Map(), (memberId) => memberId !== 'agent-wang')).toEqual({ memberId: 'agent-liu' });
      expect(nextMember(ratios, new Map(), (memberId) => memberId === 'senior-li')).toEqual({ memberId: 'senior-li' });
    });

    it('answers none when nobody eligible has a weight', () => {
      expect(nextMember([], new Map(), everyone)).toEqual({ none: 'the ratios give no member a weight above 0' });
      expect(nextMember([{ memberId: 'a', weight: 0 }], new Map(), everyone)).toEqual({ none: 'the ratios give no member a weight above 0' });
      expect(
        nextMember(
          [
            { memberId: 'a', weight: 0 },
            { memberId: 'b', weight: 1 },
          ],
          new Map(),
          (id) => id === 'a',
        ),
      ).toEqual({
        none: 'no member in the ratios is eligible: all are off duty or excluded for this lead',
      });
      expect(
        allocateSequence(
          [
            { memberId: 'a', weight: 0 },
            { memberId: 'b', weight: 3 },
          ],
          4,
        ),
      ).toEqual(['b', 'b', 'b', 'b']);
    });
  });

  describe('shares', () => {
    it('computes exact shares and the bound', () => {
      const ratios = [
        { memberId: 'a', weight: 2 },
        { memberId: 'b', weight: 2 },
        { memberId: 's', weight: 1 },
      ];
      expect(exactShare(ratios, 's', 7)).toBeCloseTo(1.4);
      expect(exactShare(ratios, 'a', 10_000)).toBe(4000);
      expect(exactShare(ratios, 'contractor-chen', 10)).toBe(0);
      expect(shareBound(ratios)).toBe(0.75);
      expect(shareBound([{ memberId: 'a', weight: 5 }])).toBe(0);
      expect(shareBound(ids(6).map((memberId) => ({ memberId, weight: 1 })))).toBeCloseTo(0.9);
    });
  });
});
