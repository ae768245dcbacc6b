import { teamTimeZoneFrom } from './dashboard.config';

describe("the team's time zone", () => {
  it('is Asia/Shanghai unless TEAM_TIME_ZONE names another, in its canonical spelling', () => {
    expect(teamTimeZoneFrom({})).toBe('Asia/Shanghai');
    expect(teamTimeZoneFrom({ TEAM_TIME_ZONE: ' ' })).toBe('Asia/Shanghai');
    expect(teamTimeZoneFrom({ TEAM_TIME_ZONE: 'Europe/Berlin' })).toBe('Europe/Berlin');
    expect(teamTimeZoneFrom({ TEAM_TIME_ZONE: 'asia/hong_kong' })).toBe('Asia/Hong_Kong');
  });

  it('refuses a zone Intl does not know, naming the variable and the rule', () => {
    expect(() => teamTimeZoneFrom({ TEAM_TIME_ZONE: 'Mars/Olympus' })).toThrow('TEAM_TIME_ZONE must be an IANA time zone, e.g. Asia/Shanghai (it is "Mars/Olympus")');
  });
});
