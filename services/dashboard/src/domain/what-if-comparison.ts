import { SimulationAnswer } from '@support/contracts';

// A what-if simulation's parts side by side: each owning service answers its part (actual and proposed,
// from the same outcome function), and the dashboard lines up every figure of the two outcomes, whatever
// the part, so the page, the JSON and the CSV show the same rows. Pure: no I/O, a total order throughout.

/** The parts a simulation has, each the service that simulates it. */
export const WHAT_IF_PARTS = ['sla', 'routing', 'leads'] as const;
export type WhatIfPart = (typeof WHAT_IF_PARTS)[number];

/** One figure of a part, actual against proposed; `change` = proposed - actual (null where either is). */
export interface ComparisonRow {
  part: WhatIfPart;
  /** where the figure sits in the outcome, e.g. `breached`, `byRule[first-contact/urgent].breached`, `members[m-1].assigned` */
  measure: string;
  actual: number | null;
  proposed: number | null;
  change: number | null;
}

/** An assumption of one part's replay. */
export interface PartAssumption {
  part: WhatIfPart;
  text: string;
}

/** what names an entry of an outcome's list: its id fields, in this order, joined by `/` */
const ENTRY_KEYS = ['ruleId', 'urgency', 'memberId', 'tier', 'id'] as const;

/**
 * Every numeric figure of `actual` and `proposed`, paired by where it sits: an object's fields by name,
 * a list's entries by their id fields (ruleId, urgency, memberId, tier, id; a member by memberId alone) or else by position. A figure
 * only one side has (a member assigned nothing under the proposal) pairs with null. Text (names, roles)
 * is not a figure; it stays in the parts' answers. Rows keep the outcome's own order, then the other
 * side's extra rows in theirs.
 */
export function comparisonRows(part: WhatIfPart, actual: unknown, proposed: unknown): ComparisonRow[] {
  const left = figuresOf(actual);
  const right = figuresOf(proposed);
  const measures = [...left.keys(), ...[...right.keys()].filter((measure) => !left.has(measure))];
  return measures.map((measure) => {
    const a = left.get(measure) ?? null;
    const p = right.get(measure) ?? null;
    return { part, measure, actual: a, proposed: p, change: a === null || p === null ? null : round(p - a) };
  });
}

/** The rows of every part that answered, in WHAT_IF_PARTS order. */
export function comparisonOf(parts: Partial<Record<WhatIfPart, SimulationAnswer<unknown>>>): ComparisonRow[] {
  return WHAT_IF_PARTS.flatMap((part) => {
    const answer = parts[part];
    return answer ? comparisonRows(part, answer.actual, answer.proposed) : [];
  });
}

/** Every part's assumptions, in WHAT_IF_PARTS order. */
export function assumptionsOf(parts: Partial<Record<WhatIfPart, SimulationAnswer<unknown>>>): PartAssumption[] {
  return WHAT_IF_PARTS.flatMap((part) => (parts[part]?.assumptions ?? []).map((text) => ({ part, text })));
}

function figuresOf(outcome: unknown): Map<string, number | null> {
  const figures = new Map<string, number | null>();
  const walk = (value: unknown, path: string): void => {
    if (typeof value === 'number') figures.set(path, value);
    else if (value === null) figures.set(path, null);
    else if (Array.isArray(value)) value.forEach((entry, index) => walk(entry, `${path}[${entryName(entry, index)}]`));
    else if (typeof value === 'object') for (const [field, inner] of Object.entries(value as object)) walk(inner, path ? `${path}.${field}` : field);
  };
  walk(outcome, '');
  return figures;
}

function entryName(entry: unknown, index: number): string {
  if (typeof entry !== 'object' || entry === null) return String(index);
  const fields = entry as Record<string, unknown>;
  // a member is named by their id alone: a proposal may move them to another tier
  const keys = typeof fields.memberId === 'string' && fields.memberId !== '' ? (['memberId'] as const) : ENTRY_KEYS;
  const ids = keys.map((key) => fields[key]).filter((id) => typeof id === 'string' && id !== '');
  return ids.length > 0 ? ids.join('/') : String(index);
}

// differences of decimals (minutes, shares) without float noise: 4 decimals at most
const round = (value: number): number => Math.round(value * 10_000) / 10_000;
