import { isoWeekOf } from '@support/contracts';

describe('isoWeekOf', () => {
  it.each([
    ['2026-11-23T02:00:00Z', '2026-W48'], // a Monday
    ['2026-11-29T15:59:59Z', '2026-W48'], // Sunday 23:59:59 in Shanghai
    ['2026-11-29T16:00:00Z', '2026-W49'], // Monday 00:00 in Shanghai, still Sunday in UTC
    ['2027-01-01T04:00:00Z', '2026-W53'], // a Friday: 2026 has 53 weeks
    ['2024-12-30T04:00:00Z', '2025-W01'], // a Monday in the week of 2025's first Thursday
  ])('%s is in %s', (at, week) => {
    expect(isoWeekOf(new Date(at))).toBe(week);
  });
});
