import { whatIfCsv, whatIfFileName } from './what-if.csv';

describe('what-if CSV', () => {
  const answer = {
    period: { from: '2026-03-02T00:00:00.000Z', to: '2026-03-09T00:00:00.000Z' },
    parts: {},
    comparison: [
      { part: 'sla' as const, measure: 'byRule[first-contact/urgent].breached', actual: 5, proposed: 1, change: -4 },
      { part: 'sla' as const, measure: 'firstContact.p90', actual: null, proposed: 41.25, change: null },
    ],
    assumptions: [{ part: 'routing' as const, text: 'people act at the recorded times, whoever works the ticket' }],
  };

  it('writes a line per figure and per assumption, quoting what needs it, null as an empty cell', () => {
    expect(whatIfCsv(answer)).toBe(
      'from,to,part,kind,measure,actual,proposed,change\n' +
        '2026-03-02T00:00:00.000Z,2026-03-09T00:00:00.000Z,sla,figure,byRule[first-contact/urgent].breached,5,1,-4\n' +
        '2026-03-02T00:00:00.000Z,2026-03-09T00:00:00.000Z,sla,figure,firstContact.p90,,41.25,\n' +
        '2026-03-02T00:00:00.000Z,2026-03-09T00:00:00.000Z,routing,assumption,"people act at the recorded times, whoever works the ticket",,,\n',
    );
    expect(whatIfFileName(answer)).toBe('what-if-2026-03-02-to-2026-03-09.csv');
  });
});
