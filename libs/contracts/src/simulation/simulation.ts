// What-if simulations: each owning service replays a past period through its own domain code with a
// proposed policy in place of the one in force, and answers actual and proposed side by side. These are
// the shapes every service's answer shares, so the dashboard can combine them without importing a service.

/** The period replayed: `[from, to)`, ISO 8601 instants (UTC in answers). */
export interface SimulationPeriod {
  from: string;
  to: string;
}

/** Median and 90th percentile of a set of durations (minutes); null when the set is empty. */
export interface Percentiles {
  count: number;
  p50: number | null;
  p90: number | null;
}

/**
 * One service's simulation: the outcome the record shows (`actual`) and the outcome the same period
 * gives under the proposal (`proposed`), computed by the same function from the two replays, and what
 * the replay had to assume where the record cannot tell. Deterministic: the same proposal over the same
 * period gives the same answer, byte for byte (no wall-clock time, ids or timings in it).
 */
export interface SimulationAnswer<Outcome, Proposal = unknown> {
  /** the service that simulated its part */
  service: string;
  period: SimulationPeriod;
  /** the proposal as understood (normalised), so a reader sees what was replayed */
  proposal: Proposal;
  /** where the future would have diverged in ways the record cannot tell: what the replay assumed */
  assumptions: string[];
  actual: Outcome;
  proposed: Outcome;
  /** how much of the record the replay read: events in the period, and before it (state carried in) */
  replayed: { eventsInPeriod: number; eventsBefore: number };
}

/**
 * Nearest-rank percentiles (the value at rank ceil(q·n) of the sorted set), so every figure is one that
 * occurred and the same set always gives the same figures.
 */
export function percentilesOf(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number | null => (sorted.length === 0 ? null : sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]);
  return { count: sorted.length, p50: at(0.5), p90: at(0.9) };
}

/** Whether an instant falls in the period `[from, to)`. */
export function inPeriod(at: Date | string, period: { from: Date; to: Date }): boolean {
  const t = typeof at === 'string' ? Date.parse(at) : at.getTime();
  return t >= period.from.getTime() && t < period.to.getTime();
}

/** Minutes between two instants, to the second (durations in answers are minutes with 2 decimals at most). */
export function minutesFrom(start: Date | string, end: Date | string): number {
  const ms = new Date(end).getTime() - new Date(start).getTime();
  return Math.round(ms / 600) / 100;
}
