import { inPeriod, minutesFrom, percentilesOf } from './simulation';

describe('simulation answers', () => {
  it('takes nearest-rank percentiles, each a value that occurred', () => {
    expect(percentilesOf([10, 1, 7, 3, 5, 9, 2, 8, 4, 6])).toEqual({ count: 10, p50: 5, p90: 9 });
    expect(percentilesOf([4])).toEqual({ count: 1, p50: 4, p90: 4 });
    expect(percentilesOf([])).toEqual({ count: 0, p50: null, p90: null });
  });

  it('counts an instant in [from, to)', () => {
    const period = { from: new Date('2026-03-02T00:00:00Z'), to: new Date('2026-03-09T00:00:00Z') };
    expect(inPeriod('2026-03-02T00:00:00Z', period)).toBe(true);
    expect(inPeriod('2026-03-08T23:59:59.999Z', period)).toBe(true);
    expect(inPeriod('2026-03-09T00:00:00Z', period)).toBe(false);
    expect(inPeriod(new Date('2026-03-01T23:59:59Z'), period)).toBe(false);
  });

  it('measures minutes to the second', () => {
    expect(minutesFrom('2026-03-02T00:00:00Z', '2026-03-02T00:30:30Z')).toBe(30.5);
  });
});
