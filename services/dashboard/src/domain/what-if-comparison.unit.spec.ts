import { SimulationAnswer } from '@support/contracts';
import { assumptionsOf, comparisonOf, comparisonRows } from './what-if-comparison';

const answer = (actual: unknown, proposed: unknown, assumptions: string[] = []): SimulationAnswer<unknown> => ({
  service: 'x',
  period: { from: '2026-03-02T00:00:00.000Z', to: '2026-03-09T00:00:00.000Z' },
  proposal: {},
  assumptions,
  actual,
  proposed,
  replayed: { eventsInPeriod: 0, eventsBefore: 0 },
});

describe('what-if comparison', () => {
  it('pairs every figure by where it sits, lists by their id fields, text left out', () => {
    const actual = {
      breached: 12,
      firstContact: { count: 40, p50: 18.5, p90: null },
      byRule: [
        { ruleId: 'first-contact', urgency: 'urgent', breached: 5 },
        { ruleId: 'first-contact', urgency: 'normal', breached: 7 },
      ],
    };
    const proposed = {
      breached: 4,
      firstContact: { count: 40, p50: 18.5, p90: 41.25 },
      byRule: [
        { ruleId: 'first-contact', urgency: 'normal', breached: 3 },
        { ruleId: 'first-contact', urgency: 'urgent', breached: 1 },
      ],
    };
    expect(comparisonRows('sla', actual, proposed)).toEqual([
      { part: 'sla', measure: 'breached', actual: 12, proposed: 4, change: -8 },
      { part: 'sla', measure: 'firstContact.count', actual: 40, proposed: 40, change: 0 },
      { part: 'sla', measure: 'firstContact.p50', actual: 18.5, proposed: 18.5, change: 0 },
      { part: 'sla', measure: 'firstContact.p90', actual: null, proposed: 41.25, change: null },
      { part: 'sla', measure: 'byRule[first-contact/urgent].breached', actual: 5, proposed: 1, change: -4 },
      { part: 'sla', measure: 'byRule[first-contact/normal].breached', actual: 7, proposed: 3, change: -4 },
    ]);
  });

  it("pairs an entry only one side has with null, the other side's extras after", () => {
    const rows = comparisonRows(
      'routing',
      { members: [{ memberId: 'a-1', name: 'Li', assigned: 3 }] },
      {
        members: [
          { memberId: 'a-1', name: 'Li', assigned: 2 },
          { memberId: 'a-2', name: 'Wang', assigned: 1 },
        ],
      },
    );
    expect(rows).toEqual([
      { part: 'routing', measure: 'members[a-1].assigned', actual: 3, proposed: 2, change: -1 },
      { part: 'routing', measure: 'members[a-2].assigned', actual: null, proposed: 1, change: null },
    ]);
  });

  it('names a member by their id alone, so a member the proposal moves to another tier still pairs', () => {
    const rows = comparisonRows('routing', { members: [{ memberId: 'a-1', tier: 'L1', assigned: 3 }] }, { members: [{ memberId: 'a-1', tier: 'L2', assigned: 1 }] });
    expect(rows).toEqual([{ part: 'routing', measure: 'members[a-1].assigned', actual: 3, proposed: 1, change: -2 }]);
  });

  it('keeps differences of decimals free of float noise', () => {
    expect(comparisonRows('leads', { deviation: 0.3 }, { deviation: 0.1 })[0].change).toBe(-0.2);
  });

  it('lines the parts up in a fixed order, whatever order they answered in, with their assumptions', () => {
    const parts = { leads: answer({ allocated: 9 }, { allocated: 9 }, ['leads assumption']), sla: answer({ breached: 1 }, { breached: 0 }, ['sla assumption']) };
    expect(comparisonOf(parts).map((row) => `${row.part}:${row.measure}`)).toEqual(['sla:breached', 'leads:allocated']);
    expect(assumptionsOf(parts)).toEqual([
      { part: 'sla', text: 'sla assumption' },
      { part: 'leads', text: 'leads assumption' },
    ]);
  });
});
