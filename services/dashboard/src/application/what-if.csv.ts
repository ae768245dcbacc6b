import { WhatIfAnswer } from './what-if.service';
import { csvText } from './weekly-report.csv';

// one header; a line per figure (`figure`: measure, actual, proposed, change) and per assumption
// (`assumption`: its text in `measure`, the figures empty), in the JSON answer's order

/** A what-if comparison as CSV: every figure and every assumption of the JSON answer. */
export function whatIfCsv(answer: WhatIfAnswer): string {
  const number = (value: number | null) => (value === null ? '' : String(value));
  const lines = [
    'from,to,part,kind,measure,actual,proposed,change',
    ...answer.comparison.map((row) =>
      [answer.period.from, answer.period.to, row.part, 'figure', csvText(row.measure), number(row.actual), number(row.proposed), number(row.change)].join(','),
    ),
    ...answer.assumptions.map((assumption) => [answer.period.from, answer.period.to, assumption.part, 'assumption', csvText(assumption.text), '', '', ''].join(',')),
  ];
  return lines.join('\n') + '\n';
}

/** The file name, for `Content-Disposition`: the period's days. */
export function whatIfFileName(answer: WhatIfAnswer): string {
  return `what-if-${answer.period.from.slice(0, 10)}-to-${answer.period.to.slice(0, 10)}.csv`;
}
