import { Figures, NamedWeeklyReport } from '../domain';
import { csvNumber, csvText, weeklyReportCsv, weeklyReportFileName } from './weekly-report.csv';

const figures = (overrides: Partial<Figures> = {}): Figures => ({
  assigned: 2,
  responseRate: 0.5,
  resolved: 2,
  resolutionRate: 1,
  firstContactResolution: 0.5,
  csat: 4.5,
  feedbackCount: 2,
  escalations: 0,
  breaches: 1,
  ...overrides,
});

const report: NamedWeeklyReport = {
  week: '2031-W10',
  team: figures({ assigned: 3, resolutionRate: 2 / 3, csat: 13 / 3, feedbackCount: 3 }),
  members: [
    { memberId: 'm-li', name: '李娜', ...figures() },
    // a member the roster never named, with nothing to divide by
    {
      memberId: 'm-new',
      name: null,
      ...figures({ assigned: 1, responseRate: null, resolved: 0, resolutionRate: 0, firstContactResolution: null, csat: null, feedbackCount: 0, breaches: 0 }),
    },
  ],
  slaCompliance: [
    { ruleId: 'first-contact', met: 1, breached: 1, compliance: 0.5 },
    { ruleId: 'resolution', met: 0, breached: 0, compliance: null },
  ],
  leads: [
    { memberId: 'm-li', name: '李娜', contributed: 3, received: 1, expectedShare: 1.67 },
    { memberId: 'm-zhang', name: 'Zhang, "Wei"', contributed: 0, received: 2, expectedShare: 1.33 },
  ],
};

describe('the weekly report as CSV', () => {
  it("writes one header and a line per figure set: the team, each member by id and name, each SLA rule, each member's leads", () => {
    expect(weeklyReportCsv(report).split('\n')).toEqual([
      'week,section,id,name,assigned,responseRate,resolved,resolutionRate,firstContactResolution,csat,feedbackCount,escalations,breaches,slaMet,slaBreached,slaCompliance,leadsContributed,leadsReceived,leadsExpected',
      '2031-W10,team,team,,3,0.5000,2,0.6667,0.5000,4.33,3,0,1,,,,,,',
      '2031-W10,member,m-li,李娜,2,0.5000,2,1.0000,0.5000,4.50,2,0,1,,,,,,',
      '2031-W10,member,m-new,,1,,0,0.0000,,,0,0,0,,,,,,',
      '2031-W10,sla-rule,first-contact,,,,,,,,,,,1,1,0.5000,,,',
      '2031-W10,sla-rule,resolution,,,,,,,,,,,0,0,,,,',
      '2031-W10,lead-share,m-li,李娜,,,,,,,,,,,,,3,1,1.67',
      '2031-W10,lead-share,m-zhang,"Zhang, ""Wei""",,,,,,,,,,,,,0,2,1.33',
      '',
    ]);
  });

  it('carries everything the JSON report has: reading the CSV back gives the report again', () => {
    expect(readBack(weeklyReportCsv(report))).toEqual({
      ...report,
      // the CSV's precision: rates to 4 decimals, averages to 2
      team: { ...report.team, resolutionRate: 0.6667, csat: 4.33 },
    });
  });

  it('keeps one format per kind of number: counts as integers, rates as 4-decimal fractions, averages and shares with 2 decimals', () => {
    expect([
      csvNumber(1, 'count'),
      csvNumber(0, 'count'),
      csvNumber(1, 'rate'),
      csvNumber(0.5, 'rate'),
      csvNumber(0, 'rate'),
      csvNumber(4, 'decimal'),
      csvNumber(1 / 3, 'decimal'),
    ]).toEqual(['1', '0', '1.0000', '0.5000', '0.0000', '4.00', '0.33']);
    expect([csvNumber(null, 'rate'), csvNumber(undefined, 'count')]).toEqual(['', '']);
  });

  it('quotes text with commas, quotes or line breaks, and keeps a spreadsheet from running a name as a formula', () => {
    expect(csvText('王女士')).toBe('王女士');
    expect(csvText('a,b')).toBe('"a,b"');
    expect(csvText('say "hi"')).toBe('"say ""hi"""');
    expect(csvText('two\nlines')).toBe('"two\nlines"');
    expect(csvText('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvText('-1+1')).toBe("'-1+1");
    expect(csvText(null)).toBe('');
  });

  it('names the file after the week', () => {
    expect(weeklyReportFileName(report)).toBe('weekly-report-2031-W10.csv');
  });
});

// a reader of the CSV: RFC 4180 cells, then each section's line back into the JSON report's shape
function readBack(csv: string): NamedWeeklyReport {
  const rows = parseCsv(csv);
  const [header, ...lines] = rows;
  const records = lines.map((cells) => Object.fromEntries(header.map((column, i) => [column, cells[i]])));
  const number = (cell: string) => (cell === '' ? null : Number(cell));
  const text = (cell: string) => (cell === '' ? null : cell);
  const figureKeys = ['assigned', 'responseRate', 'resolved', 'resolutionRate', 'firstContactResolution', 'csat', 'feedbackCount', 'escalations', 'breaches'] as const;
  const figuresOf = (r: Record<string, string>) => Object.fromEntries(figureKeys.map((key) => [key, number(r[key])])) as unknown as Figures;
  const of = (section: string) => records.filter((r) => r.section === section);
  return {
    week: records[0].week,
    team: figuresOf(of('team')[0]),
    members: of('member').map((r) => ({ memberId: r.id, name: text(r.name), ...figuresOf(r) })),
    slaCompliance: of('sla-rule').map((r) => ({ ruleId: r.id, met: number(r.slaMet) as number, breached: number(r.slaBreached) as number, compliance: number(r.slaCompliance) })),
    leads: of('lead-share').map((r) => ({
      memberId: r.id,
      name: text(r.name),
      contributed: number(r.leadsContributed) as number,
      received: number(r.leadsReceived) as number,
      expectedShare: number(r.leadsExpected),
    })),
  };
}

function parseCsv(csv: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const c = csv[i];
    if (quoted) {
      if (c === '"' && csv[i + 1] === '"') ((cell += '"'), i++);
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') (row.push(cell), (cell = ''));
    else if (c === '\n') (row.push(cell), rows.push(row), (row = []), (cell = ''));
    else cell += c;
  }
  return rows;
}
