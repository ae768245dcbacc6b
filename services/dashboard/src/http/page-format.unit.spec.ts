import { DASHBOARD_SCRIPT } from './dashboard.page';
import { humanDuration, teamTime } from './page-format';

const MIN = 60;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('durations on the page', () => {
  it('shows the two largest units, the smaller one padded where it follows hours or minutes', () => {
    expect(humanDuration(3 * DAY + 4 * HOUR + 38 * MIN + 2)).toBe('3 d 4 h'); // was "4598m 02s"
    expect(humanDuration(2 * HOUR + 5 * MIN + 59)).toBe('2 h 05 min');
    expect(humanDuration(4 * MIN + 2)).toBe('4 min 02 s');
    expect(humanDuration(9)).toBe('9 s');
    expect(humanDuration(0)).toBe('0 s');
  });

  it('truncates to whole units at each boundary', () => {
    expect(humanDuration(MIN - 1)).toBe('59 s');
    expect(humanDuration(MIN)).toBe('1 min 00 s');
    expect(humanDuration(HOUR - 1)).toBe('59 min 59 s');
    expect(humanDuration(HOUR)).toBe('1 h 00 min');
    expect(humanDuration(DAY - 1)).toBe('23 h 59 min');
    expect(humanDuration(DAY)).toBe('1 d 0 h');
    expect(humanDuration(400 * DAY + 23 * HOUR)).toBe('400 d 23 h');
    expect(humanDuration(12.9)).toBe('12 s');
  });

  it('marks a past due time with a minus', () => {
    expect(humanDuration(-(4 * MIN + 2))).toBe('-4 min 02 s');
    expect(humanDuration(-(3 * DAY + 4 * HOUR))).toBe('-3 d 4 h');
    expect(humanDuration(-0)).toBe('0 s');
  });
});

describe('times on the page', () => {
  it("shows an instant on the team's wall clock", () => {
    expect(teamTime('2031-03-03T01:00:00.000Z', 'Asia/Shanghai')).toBe('2031-03-03 09:00');
    // the next calendar day in Shanghai
    expect(teamTime('2026-11-29T16:30:00Z', 'Asia/Shanghai')).toBe('2026-11-30 00:30');
    expect(teamTime('2026-07-01T12:05:00Z', 'Europe/Berlin')).toBe('2026-07-01 14:05');
    expect(teamTime('2026-07-01T00:00:00Z', 'UTC')).toBe('2026-07-01 00:00');
  });

  it('shows nothing for no time or a time that is not one', () => {
    expect(teamTime(null, 'Asia/Shanghai')).toBe('');
    expect(teamTime(undefined, 'Asia/Shanghai')).toBe('');
    expect(teamTime('soon', 'Asia/Shanghai')).toBe('');
  });
});

describe("the page's script", () => {
  it('parses, and carries these very formatters, self-contained', () => {
    expect(() => new Function(DASHBOARD_SCRIPT)).not.toThrow();
    // what the browser runs is the tested source, and it needs nothing from this module's scope
    const formatters = new Function(`${humanDuration.toString()}\n${teamTime.toString()}\nreturn { humanDuration, teamTime };`)();
    expect(formatters.humanDuration(3 * DAY + 4 * HOUR)).toBe('3 d 4 h');
    expect(formatters.teamTime('2031-03-03T01:00:00Z', 'Asia/Shanghai')).toBe('2031-03-03 09:00');
    expect(DASHBOARD_SCRIPT).toContain(humanDuration.toString());
  });
});
