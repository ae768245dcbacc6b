import { WeeklyReport } from '../domain';

const COLUMNS = ['assigned', 'responseRate', 'resolved', 'resolutionRate', 'firstContactResolution', 'csat', 'feedbackCount', 'escalations', 'breaches'] as const;

/** The weekly report as CSV for the customer-service desk: the team's line, then one per member. */
export function weeklyReportCsv(report: WeeklyReport): string {
  const cell = (value: number | null) => (value === null ? '' : Number.isInteger(value) ? String(value) : value.toFixed(4));
  const line = (who: string, figures: Record<(typeof COLUMNS)[number], number | null>) => [report.week, who, ...COLUMNS.map((c) => cell(figures[c]))].join(',');
  return [['week', 'member', ...COLUMNS].join(','), line('team', report.team), ...report.members.map((m) => line(m.memberId, m))].join('\n') + '\n';
}
