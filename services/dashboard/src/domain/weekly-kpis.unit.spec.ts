import fc from 'fast-check';
import { LeadRatio } from '@support/contracts';
import { isoWeekOf } from './iso-week';
import { Figures, KpiEvent, WeeklyKpis, weeklyReport, withMemberNames } from './weekly-kpis';

const A = 'agent-a';
const B = 'agent-b';
const S = 'senior-s';
const C = 'contractor-c';
const FC = 'first-contact';
const RES = 'resolution';

// a Shanghai wall-clock time, e.g. '11-23 09:00' (2026), as the UTC instant the dashboard receives
const sh = (local: string) => new Date(`2026-${local.replace(' ', 'T')}:00+08:00`).toISOString();

let sequence = 0;
type Data<T extends KpiEvent['type']> = Extract<KpiEvent, { type: T }>['data'];
function event<T extends KpiEvent['type']>(type: T, time: string, data: Data<T>): KpiEvent {
  return { id: `e${++sequence}`, type, time, data, actor: { id: 'someone', role: 'service' } } as KpiEvent;
}

const assign = (t: string, memberId: string, time: string) => event('support.ticket.assigned.v1', time, { ticketId: t, assignee: { id: memberId, role: 'agent' }, tier: 'L1' });
const escalate = (t: string, memberId: string, time: string) =>
  event('support.ticket.escalated.v1', time, { ticketId: t, fromTier: 'L1', toTier: 'L2', assignee: { id: memberId, role: 'senior' }, reason: 'too hard' });
const dispatch = (t: string, memberId: string, time: string) =>
  event('support.ticket.dispatched-to-contractor.v1', time, { ticketId: t, assignee: { id: memberId, role: 'contractor' }, scenario: 'printer-swap' });
const onSite = (t: string, time: string) => event('support.ticket.on-site-scheduled.v1', time, { ticketId: t, visitId: `${t}-visit`, appointmentAt: time });
const arrived = (t: string, time: string) => event('support.ticket.technician-on-site.v1', time, { ticketId: t, visitId: `${t}-visit`, arrivedAt: time });
const resolve = (t: string, time: string, remote: boolean) => event('support.ticket.resolved.v1', time, { ticketId: t, resolution: 'fixed', remote });
const reopen = (t: string, time: string) => event('support.ticket.reopened.v1', time, { ticketId: t, reason: 'came back' });
const feedback = (t: string, time: string, satisfaction: number) => event('support.ticket.feedback-given.v1', time, { ticketId: t, satisfaction });
const clock = (t: string, ruleId: string) => ({ clockId: `${t}/${ruleId}`, ruleId, subject: { type: 'ticket' as const, id: t }, ticketId: t });
const met = (t: string, ruleId: string, time: string, withinTarget = true) =>
  event('support.sla.clock-met.v1', time, { ...clock(t, ruleId), at: time, withinTarget, remainingMinutes: withinTarget ? 5 : -5 });
const breached = (t: string, ruleId: string, time: string) => event('support.sla.clock-breached.v1', time, { ...clock(t, ruleId), at: time, dueAt: time, lateByMinutes: 0 });
const capture = (lead: string, memberId: string, time: string) =>
  event('support.lead.captured.v1', time, {
    leadId: lead,
    source: { memberId, platform: 'douyin', account: memberId },
    customerHandle: lead,
    contact: { wechat: lead },
    via: 'rest',
  });
const duplicate = (lead: string, memberId: string, time: string) =>
  event('support.lead.duplicate-captured.v1', time, { leadId: lead, source: { memberId, platform: 'douyin', account: memberId } });
const allocate = (lead: string, memberId: string, time: string) => event('support.lead.allocated.v1', time, { leadId: lead, memberId, policyVersion: 1, acceptBy: time });
const giveBack = (lead: string, memberId: string, time: string, why: 'declined' | 'timed-out') => event('support.lead.returned.v1', time, { leadId: lead, memberId, why });
const ratiosSet = (version: number, ratios: LeadRatio[], time: string) => event('support.lead.ratios-set.v1', time, { policyId: 'leads', version, ratios, acceptMinutes: 30 });

// W48 = Mon 2026-11-23 .. Sun 2026-11-29 in Shanghai; W47 and W49 events must not count in it
const scriptedWeek: KpiEvent[] = [
  // previous week (W47)
  ratiosSet(
    1,
    [
      { memberId: A, weight: 2 },
      { memberId: B, weight: 2 },
      { memberId: S, weight: 1 },
    ],
    sh('11-16 09:00'),
  ),
  assign('tp1', B, sh('11-20 10:00')),
  breached('tp1', FC, sh('11-20 10:30')),
  resolve('tp1', sh('11-20 15:00'), true),
  feedback('tp1', sh('11-20 16:00'), 1),
  assign('t00', A, sh('11-22 23:30')),
  met('t00', FC, sh('11-22 23:50')),
  resolve('t00', sh('11-23 10:00'), true), // assigned in W47, resolved in W48
  capture('l0', A, sh('11-20 09:00')),
  allocate('l0', B, sh('11-20 09:01')),
  giveBack('l0', B, sh('11-23 09:00'), 'declined'), // undoes the W47 allocation, not a W48 one
  allocate('l0', S, sh('11-23 09:05')),

  // the scripted week (W48)
  event('support.ticket.received.v1', sh('11-23 08:55'), {
    ticketId: 't01',
    customerId: 'c1',
    customer: { name: 'Wang' },
    channel: 'phone',
    deviceModel: 'X1',
    problem: 'no power',
    urgency: 'normal',
    requestedAt: sh('11-23 08:50'),
    receivedAt: sh('11-23 08:55'),
  }),
  assign('t01', A, sh('11-23 09:00')),
  event('support.ticket.contacted.v1', sh('11-23 09:10'), { ticketId: 't01', channel: 'phone', contactedAt: sh('11-23 09:10') }),
  met('t01', FC, sh('11-23 09:10')),
  resolve('t01', sh('11-23 11:00'), true),
  met('t01', RES, sh('11-23 11:00')),
  feedback('t01', sh('11-23 12:00'), 5),

  assign('t02', A, sh('11-23 10:00')),
  met('t02', FC, sh('11-23 10:10')),
  resolve('t02', sh('11-24 10:00'), true),
  feedback('t02', sh('11-24 11:00'), 4),

  assign('t03', A, sh('11-23 14:00')),
  breached('t03', FC, sh('11-23 14:40')),
  met('t03', FC, sh('11-23 15:00'), false), // breached then met late: one breach only
  escalate('t03', S, sh('11-24 09:00')),
  resolve('t03', sh('11-24 15:00'), true),
  feedback('t03', sh('11-25 09:00'), 3),

  assign('t04', A, sh('11-24 09:00')),
  met('t04', FC, sh('11-24 09:15')),
  onSite('t04', sh('11-24 11:00')),
  arrived('t04', sh('11-25 10:00')),
  resolve('t04', sh('11-25 12:00'), false),
  feedback('t04', sh('11-25 13:00'), 4),

  assign('t05', A, sh('11-24 13:00')),
  met('t05', FC, sh('11-24 13:50'), false), // met late with no breach event
  resolve('t05', sh('11-25 16:00'), true),

  assign('t06', A, sh('11-25 09:00')),
  met('t06', FC, sh('11-25 09:10')),
  escalate('t06', S, sh('11-25 15:00')),

  assign('t07', A, sh('11-26 09:00')),
  met('t07', FC, sh('11-26 09:05')),

  assign('t08', B, sh('11-23 09:30')),
  met('t08', FC, sh('11-23 09:40')),
  resolve('t08', sh('11-23 16:00'), true),
  met('t08', RES, sh('11-23 16:00')),
  feedback('t08', sh('11-23 17:00'), 5),

  assign('t09', B, sh('11-24 10:00')),
  met('t09', FC, sh('11-24 10:05')),
  resolve('t09', sh('11-24 17:00'), true),
  feedback('t09', sh('11-24 18:00'), 5),

  assign('t10', B, sh('11-25 11:00')),
  breached('t10', FC, sh('11-25 11:30')),
  breached('t10', RES, sh('11-27 11:00')),
  met('t10', FC, sh('11-30 09:00'), false), // W49, and after the breach anyway

  assign('t11', B, sh('11-26 10:00')),
  met('t11', FC, sh('11-26 10:10')),
  onSite('t11', sh('11-26 14:00')),
  resolve('t11', sh('11-27 16:00'), false),
  feedback('t11', sh('11-27 17:00'), 3),

  assign('t12', B, sh('11-27 09:00')),
  met('t12', FC, sh('11-27 09:10')),
  resolve('t12', sh('11-27 11:00'), true),
  reopen('t12', sh('11-28 10:00')),
  resolve('t12', sh('11-28 15:00'), true), // second resolution: not a first-time fix
  feedback('t12', '2026-11-29T16:30:00Z', 1), // Monday 00:30 in Shanghai: W49

  assign('t13', S, sh('11-23 10:00')),
  met('t13', FC, sh('11-23 10:20')),
  resolve('t13', sh('11-26 10:00'), true),
  met('t13', RES, sh('11-26 10:00'), false),
  feedback('t13', sh('11-26 11:00'), 4),

  assign('t14', S, sh('11-26 15:00')),
  breached('t14', FC, sh('11-26 15:30')),

  assign('t15', A, sh('11-27 09:00')),
  met('t15', FC, sh('11-27 09:20')),
  dispatch('t15', C, sh('11-27 14:00')),
  resolve('t15', sh('11-28 12:00'), false),

  assign('t16', A, sh('11-27 10:00')),
  assign('t16', B, sh('11-27 10:30')), // reassigned by hand, not an escalation
  met('t16', FC, sh('11-27 10:40')),
  resolve('t16', sh('11-27 12:00'), true),
  feedback('t16', sh('11-27 13:00'), 4),

  capture('l1', A, sh('11-23 10:00')),
  allocate('l1', A, sh('11-23 10:01')),
  duplicate('l1', B, sh('11-24 10:00')), // the first source keeps the credit
  capture('l2', A, sh('11-24 11:00')),
  allocate('l2', B, sh('11-24 11:01')),
  capture('l3', A, sh('11-25 11:00')),
  allocate('l3', S, sh('11-25 11:01')),
  capture('l4', B, sh('11-25 15:00')),
  allocate('l4', A, sh('11-25 15:01')),
  capture('l5', B, sh('11-26 15:00')),
  allocate('l5', B, sh('11-26 15:01')),
  capture('l6', S, sh('11-27 09:00')),
  allocate('l6', A, sh('11-27 10:00')),
  giveBack('l6', A, sh('11-27 12:00'), 'timed-out'),
  allocate('l6', B, sh('11-27 12:01')),

  // next week (W49)
  assign('tb', B, '2026-11-29T16:30:00Z'),
  capture('l7', S, '2026-11-29T16:30:00Z'),
  allocate('l7', A, '2026-11-29T16:31:00Z'),
  ratiosSet(
    2,
    [
      { memberId: A, weight: 1 },
      { memberId: B, weight: 1 },
      { memberId: S, weight: 1 },
    ],
    sh('11-30 09:00'),
  ),
];

describe('weekly KPIs', () => {
  it('computes the figures of a scripted week as computed by hand', () => {
    // by hand, W48 only (ticket facts go to the assignee at the time; a clock to the assignee when it was decided):
    //          assigned (distinct tickets)         first contact in/late        resolved (first-time fix)                    feedback        esc  breaches
    // A        t01-t07, t15, t16 = 9               in t01 t02 t04 t06 t07 t15   t00* t01* t02* t04 t05* = 5 (4)               5 4 4  = 13/3   2    t03 FC = 1
    //                                              late t03 t05 -> 6/8
    // B        t08-t12, t16 = 6                    in t08 t09 t11 t12 t16       t08* t09* t11 t12* t12(reopened) t16* = 6 (4) 5 5 3 4 = 17/4 0    t10 FC, t10 RES = 2
    //                                              late t10 -> 5/6
    // C        t15 = 1                             none -> null                 t15 on site = 1 (0)                           none            0    0
    // S        t03, t06 (escalated), t13, t14 = 4  in t13, late t14 -> 1/2       t03 (escalated) t13* = 2 (1)                  3 4 = 7/2       0    t14 FC = 1
    // team     t01-t16 = 16                        12 in, 4 late -> 3/4          14 (9): 14/16, 9/14                           37/9 (9)        2    4
    // excluded: t00's assignment and contact, tp1, tb (W49), t10's late meeting (W49), t12's feedback 1 (W49)
    // sla: first-contact met 12, breached t03 t05(late) t10 t14 = 4 -> 3/4; resolution met t01 t08, breached t10 t13(late) -> 1/2
    // leads: contributed A l1 l2 l3, B l4 l5, S l6; received A l1 l4 (l6 returned), B l2 l5 l6, S l3 l0 -> 7
    //        ratios 2:2:1 (W47; the 1:1:1 of W49 not yet in force) -> 7*2/5 = 2.8, 2.8, 7*1/5 = 1.4
    const figures = (f: Figures) => f;
    expect(weeklyReport(scriptedWeek, '2026-W48')).toEqual({
      week: '2026-W48',
      team: figures({
        assigned: 16,
        responseRate: 3 / 4,
        resolved: 14,
        resolutionRate: 14 / 16,
        firstContactResolution: 9 / 14,
        csat: 37 / 9,
        feedbackCount: 9,
        escalations: 2,
        breaches: 4,
      }),
      members: [
        {
          memberId: A,
          assigned: 9,
          responseRate: 6 / 8,
          resolved: 5,
          resolutionRate: 5 / 9,
          firstContactResolution: 4 / 5,
          csat: 13 / 3,
          feedbackCount: 3,
          escalations: 2,
          breaches: 1,
        },
        {
          memberId: B,
          assigned: 6,
          responseRate: 5 / 6,
          resolved: 6,
          resolutionRate: 1,
          firstContactResolution: 4 / 6,
          csat: 17 / 4,
          feedbackCount: 4,
          escalations: 0,
          breaches: 2,
        },
        { memberId: C, assigned: 1, responseRate: null, resolved: 1, resolutionRate: 1, firstContactResolution: 0, csat: null, feedbackCount: 0, escalations: 0, breaches: 0 },
        {
          memberId: S,
          assigned: 4,
          responseRate: 1 / 2,
          resolved: 2,
          resolutionRate: 2 / 4,
          firstContactResolution: 1 / 2,
          csat: 7 / 2,
          feedbackCount: 2,
          escalations: 0,
          breaches: 1,
        },
      ],
      slaCompliance: [
        { ruleId: FC, met: 12, breached: 4, compliance: 3 / 4 },
        { ruleId: RES, met: 2, breached: 2, compliance: 1 / 2 },
      ],
      leads: [
        { memberId: A, contributed: 3, received: 2, expectedShare: 2.8 },
        { memberId: B, contributed: 2, received: 3, expectedShare: 2.8 },
        { memberId: S, contributed: 1, received: 2, expectedShare: 1.4 },
      ],
    });
  });

  it('puts the events of Sunday night UTC into the next Shanghai week', () => {
    // W49 by hand: tb assigned to B; t12's feedback 1 (B); t10's late first contact already counted as breached;
    // l7 captured by S and allocated to A under version 1 (2:2:1), before the 1:1:1 of version 2 -> 0.4, 0.4, 0.2
    const report = weeklyReport(scriptedWeek, '2026-W49');
    expect(report.team).toEqual({
      assigned: 1,
      responseRate: null,
      resolved: 0,
      resolutionRate: 0,
      firstContactResolution: null,
      csat: 1,
      feedbackCount: 1,
      escalations: 0,
      breaches: 0,
    });
    expect(report.members.map((m) => m.memberId)).toEqual([B]);
    expect(report.slaCompliance).toEqual([]);
    expect(report.leads).toEqual([
      { memberId: A, contributed: 0, received: 1, expectedShare: 0.4 },
      { memberId: B, contributed: 0, received: 0, expectedShare: 0.4 },
      { memberId: S, contributed: 1, received: 0, expectedShare: 0.2 },
    ]);
  });

  it('expects each allocation under the ratios it was made under when the ratios change within the week', () => {
    // 1,000 leads at 2:2:1 (version 1), then D joins at 1:1:1:1 (version 2) and gets the next 400
    const D = 'agent-d';
    const at = (minute: number) => new Date(Date.parse(sh('12-07 09:00')) + minute * 60_000).toISOString();
    const allocateUnder = (lead: string, memberId: string, version: number, time: string) =>
      event('support.lead.allocated.v1', time, { leadId: lead, memberId, policyVersion: version, acceptBy: time });
    const events: KpiEvent[] = [
      ratiosSet(
        1,
        [
          { memberId: A, weight: 2 },
          { memberId: B, weight: 2 },
          { memberId: S, weight: 1 },
        ],
        at(0),
      ),
    ];
    const members = [A, A, B, B, S];
    for (let i = 0; i < 1000; i++) events.push(allocateUnder(`v1-${i}`, members[i % 5], 1, at(1)));
    events.push(
      ratiosSet(
        2,
        [
          { memberId: A, weight: 1 },
          { memberId: B, weight: 1 },
          { memberId: S, weight: 1 },
          { memberId: D, weight: 1 },
        ],
        at(2),
      ),
    );
    for (let i = 0; i < 400; i++) events.push(allocateUnder(`v2-${i}`, D, 2, at(3)));
    // one of D's is returned: it no longer counts, for received nor expected
    events.push(giveBack('v2-0', D, at(4), 'declined'));
    expect(weeklyReport(events, '2026-W50').leads).toEqual([
      { memberId: A, contributed: 0, received: 400, expectedShare: 400 + 399 / 4 },
      { memberId: B, contributed: 0, received: 400, expectedShare: 400 + 399 / 4 },
      { memberId: D, contributed: 0, received: 399, expectedShare: 399 / 4 },
      { memberId: S, contributed: 0, received: 200, expectedShare: 200 + 399 / 4 },
    ]);
  });

  it('counts a return in the week of the allocation it undoes', () => {
    // W47 by hand: l0 captured by A, allocated to B and returned (in W48): B keeps 0; tp1 is B's
    const report = weeklyReport(scriptedWeek, '2026-W47');
    expect(report.leads).toEqual([
      { memberId: A, contributed: 1, received: 0, expectedShare: 0 },
      { memberId: B, contributed: 0, received: 0, expectedShare: 0 },
      { memberId: S, contributed: 0, received: 0, expectedShare: 0 },
    ]);
    expect(report.members.map((m) => [m.memberId, m.assigned, m.csat, m.breaches])).toEqual([
      [A, 1, null, 0],
      [B, 1, 1, 1],
    ]);
  });

  it('gives null rates and empty lists when there is no data', () => {
    expect(new WeeklyKpis().report('2026-W48')).toEqual({
      week: '2026-W48',
      team: { assigned: 0, responseRate: null, resolved: 0, resolutionRate: null, firstContactResolution: null, csat: null, feedbackCount: 0, escalations: 0, breaches: 0 },
      members: [],
      slaCompliance: [],
      leads: [],
    });
    const assignedOnly = weeklyReport([assign('t1', A, sh('11-24 09:00'))], '2026-W48');
    expect(assignedOnly.members).toEqual([
      { memberId: A, assigned: 1, responseRate: null, resolved: 0, resolutionRate: 0, firstContactResolution: null, csat: null, feedbackCount: 0, escalations: 0, breaches: 0 },
    ]);
  });

  it('gives no expected share while no ratios are in force', () => {
    const report = weeklyReport([capture('l1', A, sh('11-24 09:00')), allocate('l1', B, sh('11-24 09:01'))], '2026-W48');
    expect(report.leads).toEqual([
      { memberId: A, contributed: 1, received: 0, expectedShare: null },
      { memberId: B, contributed: 0, received: 1, expectedShare: null },
    ]);
  });

  it('ignores a redelivered event', () => {
    const first = feedback('t01', sh('11-23 12:00'), 5);
    const events = [assign('t01', A, sh('11-23 09:00')), first, first, { ...feedback('t01', sh('11-23 12:05'), 3), id: first.id }];
    expect(weeklyReport(events, '2026-W48').team).toMatchObject({ csat: 5, feedbackCount: 1 });
  });

  it('gives the same report for any interleaving that keeps each aggregate in order', () => {
    const aggregateOf = (e: KpiEvent): string => {
      const data = e.data as { ticketId?: string; clockId?: string; leadId?: string; policyId?: string };
      return e.type.startsWith('support.sla.') ? `clock:${data.clockId}` : (data.ticketId ?? data.leadId ?? data.policyId ?? '');
    };
    const streams = new Map<string, KpiEvent[]>();
    for (const e of scriptedWeek) streams.set(aggregateOf(e), [...(streams.get(aggregateOf(e)) ?? []), e]);
    const queues = [...streams.values()];
    const expected = ['2026-W47', '2026-W48', '2026-W49'].map((week) => weeklyReport(scriptedWeek, week));

    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: scriptedWeek.length, maxLength: scriptedWeek.length }), (picks) => {
        // each pick takes the next event of one of the streams not yet drained
        const left = queues.map((queue) => [...queue]);
        const merged: KpiEvent[] = [];
        for (const pick of picks) {
          const open = left.filter((queue) => queue.length > 0);
          merged.push(open[pick % open.length].shift() as KpiEvent);
        }
        expect(merged).toHaveLength(scriptedWeek.length);
        expect(['2026-W47', '2026-W48', '2026-W49'].map((week) => weeklyReport(merged, week))).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});

describe('the weekly report named', () => {
  it("gives every member line the roster's name, null where the roster never named the member", () => {
    const events = [
      ratiosSet(
        1,
        [
          { memberId: A, weight: 1 },
          { memberId: B, weight: 1 },
        ],
        sh('11-23 08:00'),
      ),
      assign('tn', A, sh('11-23 09:00')),
      capture('ln', B, sh('11-23 09:30')),
    ];
    const named = withMemberNames(weeklyReport(events, '2026-W48'), new Map([[A, '张伟']]));
    expect(named.members).toEqual([expect.objectContaining({ memberId: A, name: '张伟', assigned: 1 })]);
    expect(named.leads).toEqual([
      { memberId: A, name: '张伟', contributed: 0, received: 0, expectedShare: 0 },
      { memberId: B, name: null, contributed: 1, received: 0, expectedShare: 0 },
    ]);
    expect(Object.keys(named.members[0]).slice(0, 2)).toEqual(['memberId', 'name']);
  });
});

describe('isoWeekOf', () => {
  it('cuts weeks at Monday 00:00 Shanghai time', () => {
    expect(isoWeekOf('2026-11-22T15:59:59Z')).toBe('2026-W47'); // Sunday 23:59:59 in Shanghai
    expect(isoWeekOf('2026-11-22T16:00:00Z')).toBe('2026-W48'); // Monday 00:00
    expect(isoWeekOf('2026-11-29T15:59:59Z')).toBe('2026-W48');
    expect(isoWeekOf('2026-11-29T16:30:00Z')).toBe('2026-W49');
    expect(isoWeekOf('2026-11-29T16:30:00Z', 'UTC')).toBe('2026-W48');
  });

  it('gives the days around new year to the year of their Thursday', () => {
    expect(isoWeekOf('2026-12-31T12:00:00+08:00')).toBe('2026-W53'); // 2026 starts on a Thursday
    expect(isoWeekOf('2027-01-03T23:00:00+08:00')).toBe('2026-W53');
    expect(isoWeekOf('2027-01-04T00:00:00+08:00')).toBe('2027-W01');
    expect(isoWeekOf('2025-12-29T00:00:00+08:00')).toBe('2026-W01');
  });
});
