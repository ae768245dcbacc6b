import { NamedWeeklyReport } from '../domain';

// one header, one line per figure set, a `section` column saying which kind of line it is:
//   team       the team's figures (id `team`)
//   member     one member's ticket figures
//   sla-rule   one SLA rule's compliance (id = the rule)
//   lead-share one member's leads against the preset ratios
// a line leaves the columns of other sections empty, and so does a figure that is null in the JSON.
// numbers keep one format per kind, whatever the value: counts as integers (`1`), rates as fractions
// of 1 with 4 decimals (`1.0000`, `0.5000`), averages and expected lead shares with 2 decimals (`4.00`).

type Format = 'count' | 'rate' | 'decimal';

const COLUMNS = [
  ['assigned', 'count'],
  ['responseRate', 'rate'],
  ['resolved', 'count'],
  ['resolutionRate', 'rate'],
  ['firstContactResolution', 'rate'],
  ['csat', 'decimal'],
  ['feedbackCount', 'count'],
  ['escalations', 'count'],
  ['breaches', 'count'],
  ['slaMet', 'count'],
  ['slaBreached', 'count'],
  ['slaCompliance', 'rate'],
  ['leadsContributed', 'count'],
  ['leadsReceived', 'count'],
  ['leadsExpected', 'decimal'],
] as const satisfies ReadonlyArray<readonly [string, Format]>;

type Column = (typeof COLUMNS)[number][0];
type Line = { section: 'team' | 'member' | 'sla-rule' | 'lead-share'; id: string; name: string | null; figures: Partial<Record<Column, number | null>> };

/** A figure as the CSV writes it: see the formats above; null or absent is an empty cell. */
export function csvNumber(value: number | null | undefined, format: Format): string {
  if (value === null || value === undefined) return '';
  if (format === 'count') return String(Math.round(value));
  return value.toFixed(format === 'rate' ? 4 : 2);
}

/**
 * A text cell (RFC 4180): quoted when it holds a comma, quote or line break; a value a spreadsheet
 * would run as a formula (`=`, `+`, `-`, `@`) is prefixed with `'` so it is shown, not evaluated.
 */
export function csvText(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The weekly report as CSV for the customer-service desk: everything the JSON report has, one line per figure set. */
export function weeklyReportCsv(report: NamedWeeklyReport): string {
  const lines: Line[] = [
    { section: 'team', id: 'team', name: null, figures: report.team },
    ...report.members.map(({ memberId, name, ...figures }) => ({ section: 'member' as const, id: memberId, name, figures })),
    ...report.slaCompliance.map((rule) => ({
      section: 'sla-rule' as const,
      id: rule.ruleId,
      name: null,
      figures: { slaMet: rule.met, slaBreached: rule.breached, slaCompliance: rule.compliance },
    })),
    ...report.leads.map((lead) => ({
      section: 'lead-share' as const,
      id: lead.memberId,
      name: lead.name,
      figures: { leadsContributed: lead.contributed, leadsReceived: lead.received, leadsExpected: lead.expectedShare },
    })),
  ];
  const header = ['week', 'section', 'id', 'name', ...COLUMNS.map(([column]) => column)].join(',');
  const row = (line: Line) =>
    [csvText(report.week), line.section, csvText(line.id), csvText(line.name), ...COLUMNS.map(([column, format]) => csvNumber(line.figures[column], format))].join(',');
  return [header, ...lines.map(row)].join('\n') + '\n';
}

/** The report's file name, for `Content-Disposition`. */
export function weeklyReportFileName(report: { week: string }): string {
  return `weekly-report-${report.week}.csv`;
}
