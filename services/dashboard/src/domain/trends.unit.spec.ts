import { Actor } from '@support/contracts';
import { QueueRow } from './board-rows';
import { breachesPerDay, dayOf, depthChange, lastDays, lastIsoWeeks, queueDepthByHour, weeklyTrends } from './trends';
import { KpiEvent } from './weekly-kpis';

const actor: Actor = { id: 'intake', role: 'service' };
const event = (id: string, type: string, time: string, data: object) => ({ id, type, time, actor, data }) as unknown as KpiEvent;

describe('trend charts', () => {
  it("lists the last ISO weeks and days of the team's calendar, oldest first, across a year's end", () => {
    // Monday 2027-01-04 00:30 in Shanghai is still Sunday in UTC
    const now = new Date('2027-01-03T16:30:00Z');
    expect(lastIsoWeeks(now, 3)).toEqual(['2026-W52', '2026-W53', '2027-W01']);
    expect(lastIsoWeeks(now, 1, 'UTC')).toEqual(['2026-W53']);
    expect(lastDays(now, 3)).toEqual(['2027-01-02', '2027-01-03', '2027-01-04']);
    expect(dayOf(now)).toBe('2027-01-04');
    expect(dayOf(now, 'America/New_York')).toBe('2027-01-03');
  });

  it('gives 12 distinct consecutive weeks across a daylight-saving change', () => {
    // Europe/Berlin moves its clocks on 2027-03-28: stepping back by calendar weeks skips none
    const weeks = lastIsoWeeks(new Date('2027-04-05T00:30:00+02:00'), 12, 'Europe/Berlin');
    expect(weeks).toHaveLength(12);
    expect(new Set(weeks).size).toBe(12);
    expect(weeks.at(-1)).toBe('2027-W14');
    expect(weeks[0]).toBe('2027-W03');
  });

  it("folds the weekly report's rates and compliance per rule for every week, with gaps where nothing was decided", () => {
    const t = 'a0000000-0000-4000-8000-000000000001';
    const clock = (id: string, ruleId: string, type: string, time: string, withinTarget?: boolean) =>
      event(id, type, time, { clockId: `${t}:${ruleId}`, ruleId, ticketId: t, ...(withinTarget === undefined ? {} : { withinTarget }) });
    const events = [
      event('e1', 'support.ticket.assigned.v1', '2031-03-03T01:00:00Z', { ticketId: t, assignee: { id: 'm-1', role: 'agent' } }),
      clock('e2', 'first-contact', 'support.sla.clock-met.v1', '2031-03-03T01:10:00Z', true),
      clock('e3', 'hand-over', 'support.sla.clock-breached.v1', '2031-03-03T02:00:00Z'),
      event('e4', 'support.ticket.resolved.v1', '2031-03-11T01:00:00Z', { ticketId: t, remote: true }),
    ];
    const trends = weeklyTrends(events, ['2031-W09', '2031-W10', '2031-W11']);
    expect(trends.rates).toEqual([
      { week: '2031-W09', assigned: 0, responseRate: null, resolved: 0, resolutionRate: null },
      { week: '2031-W10', assigned: 1, responseRate: 1, resolved: 0, resolutionRate: 0 },
      { week: '2031-W11', assigned: 0, responseRate: null, resolved: 1, resolutionRate: null },
    ]);
    expect(trends.compliance.rules).toEqual(['first-contact', 'hand-over']);
    expect(trends.compliance.weeks[1]).toEqual({
      week: '2031-W10',
      rules: [
        { ruleId: 'first-contact', met: 1, breached: 0, compliance: 1 },
        { ruleId: 'hand-over', met: 0, breached: 1, compliance: 0 },
      ],
    });
    expect(trends.compliance.weeks[0].rules.map((r) => r.compliance)).toEqual([null, null]);
  });

  it("counts each clock's breach once, on its day in the team's time zone", () => {
    const days = ['2031-03-02', '2031-03-03'];
    const breaches = [
      { clockId: 'c1', at: '2031-03-02T15:59:00Z' }, // 23:59 in Shanghai
      { clockId: 'c2', at: '2031-03-02T16:00:00Z' }, // Monday 00:00
      { clockId: 'c2', at: '2031-03-02T16:00:00Z' },
      { clockId: 'c3', at: '2031-02-20T01:00:00Z' }, // before the days shown
    ];
    expect(breachesPerDay(breaches, days)).toEqual([
      { day: '2031-03-02', breaches: 1 },
      { day: '2031-03-03', breaches: 1 },
    ]);
  });

  it('moves the depth by a ticket entering or leaving the open stages only', () => {
    const row = (state: string) => ({ state }) as QueueRow;
    expect(depthChange(undefined, row('received'))).toBe(1);
    expect(depthChange(row('received'), row('assigned'))).toBe(0);
    expect(depthChange(row('in-progress'), row('resolved'))).toBe(-1);
    expect(depthChange(row('resolved'), row('reopened'))).toBe(1);
    expect(depthChange(undefined, undefined)).toBe(0);
  });

  it("gives the queue's depth at the end of each whole hour of the team's day, now for the current one", () => {
    // 14:30 in Shanghai: the window is 12:00 to now
    const now = new Date('2031-03-03T06:30:00Z');
    const hours = queueDepthByHour(
      2,
      [
        { at: '2031-03-03T03:59:00Z', delta: 1 }, // 11:59, before the window: in the baseline
        { at: '2031-03-03T04:00:00Z', delta: 1 }, // 12:00
        { at: '2031-03-03T05:10:00Z', delta: -1 }, // 13:10
        { at: '2031-03-03T05:20:00Z', delta: -1 },
        { at: '2031-03-03T06:40:00Z', delta: 5 }, // after now
      ],
      now,
      3,
    );
    expect(hours).toEqual([
      { from: '2031-03-03T04:00:00.000Z', to: '2031-03-03T05:00:00.000Z', depth: 4 },
      { from: '2031-03-03T05:00:00.000Z', to: '2031-03-03T06:00:00.000Z', depth: 2 },
      { from: '2031-03-03T06:00:00.000Z', to: '2031-03-03T06:30:00.000Z', depth: 2 },
    ]);
    // a time zone half an hour off: its hours begin at :30 in UTC
    expect(queueDepthByHour(0, [], now, 1, 'Asia/Kolkata')[0].from).toBe('2031-03-03T06:30:00.000Z');
  });
});
