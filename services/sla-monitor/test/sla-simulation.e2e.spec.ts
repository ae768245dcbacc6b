import { INestApplication } from '@nestjs/common';
import { serveOnFreePort, signTestToken } from '@support/service-kit';
import { dropTestSchema, ManualClock, serviceDatabase, serviceKafka, testInfra, testMessagingClient, uniqueSchemaName } from '@support/test-kit';
import { driveLiveMonitor, events, inRecordedOrder, publishInputs } from './support/sla-month';
import { slaMonitorService } from '../src/sla-monitor.app';
import { SlaMonitorRuntime, startSlaMonitorRuntime } from '../src/sla-monitor.providers';

const SECRET = 'sla-monitor-simulation-secret-that-is-long-enough-0123456789';
const minute = 60_000;

// What-if over HTTP: a scripted week recorded by the LIVE monitor (its engine and scheduler, the events also on Kafka),
// then POST /v1/simulations with a proposed policy, whose outcome is worked out by hand below
describe('sla-monitor what-if simulation', () => {
  const infra = testInfra();
  const schema = uniqueSchemaName('sla_sim');
  // a random Monday 00:00 in Shanghai (UTC+8 all year since 1992) between 1992 and 2024: no other test's events fall in it
  const from = new Date(Date.parse('1992-01-05T16:00:00.000Z') + Math.floor(Math.random() * 1700) * 7 * 86_400_000);
  const to = new Date(from.getTime() + 7 * 86_400_000);
  /** day (0 = Monday of the week), local hour and minute */
  const D = (day: number, hh: number, mm: number) => new Date(from.getTime() + ((day * 24 + hh) * 60 + mm) * minute);
  const clock = new ManualClock(D(-1, 0, 0));
  const ids = { A: crypto.randomUUID(), B: crypto.randomUUID(), C: crypto.randomUUID(), D: crypto.randomUUID(), E: crypto.randomUUID() };
  const sheetA = crypto.randomUUID();
  let runtime: SlaMonitorRuntime;
  let app: INestApplication;
  let url: string;
  let lead: string;
  let agent: string;

  // the week as the record has it; every time is local (Asia/Shanghai)
  const week = inRecordedOrder([
    // C, urgent, came in on Sunday night and is carried into the week
    events.received(ids.C, 'urgent', D(-1, 23, 40), D(-1, 23, 40)),
    events.assigned(ids.C, D(-1, 23, 50)),
    events.contacted(ids.C, D(0, 0, 25)),
    events.resolved(ids.C, true, D(0, 0, 40)),
    // A, urgent, Monday morning
    events.received(ids.A, 'urgent', D(0, 10, 0), D(0, 10, 0)),
    events.assigned(ids.A, D(0, 10, 11)),
    events.contacted(ids.A, D(0, 10, 40)),
    events.resolved(ids.A, true, D(0, 10, 55)),
    events.sheetSubmitted(ids.A, sheetA, 'remote', D(0, 11, 8)),
    // B, normal, Tuesday afternoon: the customer asked at 13:50, the desk typed it in at 14:00
    events.received(ids.B, 'normal', D(1, 13, 50), D(1, 14, 0)),
    events.assigned(ids.B, D(1, 14, 3)),
    events.contacted(ids.B, D(1, 14, 50)),
    events.cancelled(ids.B, D(1, 15, 30)),
    // D, normal, Wednesday, cancelled before contact
    events.received(ids.D, 'normal', D(2, 11, 0), D(2, 11, 0)),
    events.assigned(ids.D, D(2, 11, 5)),
    events.cancelled(ids.D, D(2, 11, 20)),
    // E, normal, Sunday 23:50, ten minutes before the week ends; assigned after it
    events.received(ids.E, 'normal', D(6, 23, 50), D(6, 23, 50)),
    events.assigned(ids.E, D(7, 0, 3)),
  ]);

  beforeAll(async () => {
    // on Kafka first (the monitor's consumer starts at the end: it does not see them twice)
    await publishInputs(testMessagingClient('sla-sim-week'), week);
    runtime = await startSlaMonitorRuntime(
      { ...serviceDatabase('sla-monitor'), ...serviceKafka('sla-monitor'), schema, clock, tickIntervalMs: null, consumeFromBeginning: false },
      () => undefined,
    );
    ({ app, url } = await serveOnFreePort(slaMonitorService, runtime, { ...infra, jwtSecret: SECRET }));
    lead = await signTestToken(SECRET, { id: 'lead-1', role: 'lead' });
    agent = await signTestToken(SECRET, { id: 'agent-1', role: 'agent' });
    await driveLiveMonitor({ dataSource: runtime.dataSource, monitor: runtime.monitor, setNow: (at) => clock.set(at), schema }, week, D(8, 0, 0));
    clock.set(D(9, 0, 0));
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await dropTestSchema(schema);
  });

  const simulate = async (body: unknown, token = lead) => {
    const response = await fetch(`${url}/v1/simulations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, text, body: JSON.parse(text) };
  };
  const inForce = async () => {
    const { rules, calendar } = (await (await fetch(`${url}/v1/policies`, { headers: { authorization: `Bearer ${agent}` } })).json()) as {
      rules: Array<Record<string, unknown>>;
      calendar: object;
    };
    return { rules, calendar };
  };
  /** the policy in force with the hand-over 10 min, first contact 20 (urgent) / 45 (normal), the remote-fix sheet 15 */
  const proposal = async () => {
    const { rules, calendar } = await inForce();
    const targets: Record<string, unknown> = { 'hand-over': 10, 'first-contact': { urgent: 20, normal: 45 }, 'remote-fix-sheet': 15 };
    return { rules: rules.map((rule) => (targets[rule.id as string] !== undefined ? { ...rule, targetMinutes: targets[rule.id as string] } : rule)), calendar };
  };
  const rule = (ruleId: string, urgency: string | null, clocks: number, breached: number, met: number, warned: number) => ({ ruleId, urgency, clocks, breached, met, warned });

  it('answers the week as recorded and under the proposal, as worked out by hand', async () => {
    const answer = await simulate({ from: from.toISOString(), to: to.toISOString(), policy: await proposal() });
    expect(answer.status).toBe(200);
    // Clocks that START in the week (C's hand-over and first contact started on Sunday and are not counted):
    //   A: hand-over (from 10:00), first-contact (10:11), remote-attempt (10:40), remote-fix-sheet (10:55)
    //   B: hand-over (from the request at 13:50), first-contact (14:03), remote-attempt (14:50)
    //   C: remote-attempt (00:25), remote-fix-sheet (00:40)      D: hand-over (11:00), first-contact (11:05)
    //   E: hand-over (23:50)                                      = 12 clocks under either policy
    //
    // As recorded (the defaults: hand-over 15, first contact 30 urgent / 60 normal, remote attempt 30, remote-fix sheet 10; warn at 80 %):
    //   A hand-over: due 10:15, warns 10:12, assigned 10:11: met.            A first contact: due 10:41, warns 10:35 (10:11 + 24), contact 10:40: warned, met.
    //   A remote attempt: due 11:10, resolved 10:55: met.                     A remote-fix sheet: due 11:05, warns 11:03, sheet 11:08: warned, breached, met late.
    //   B hand-over: due 14:05 (13:50 + 15), warns 14:02, assigned 14:03: warned, met.   B first contact: due 15:03, warns 14:51, contact 14:50: met.
    //   B remote attempt: due 15:20, warns 15:14, cancelled 15:30: warned, breached.
    //   C remote attempt: due 00:55, resolved 00:40: met.                     C remote-fix sheet: due 00:50, warns 00:48, no sheet: warned, breached.
    //   D hand-over: met at 11:05.  D first contact: due 12:05, warns 11:53, cancelled 11:20: neither.
    //   E hand-over: due 00:05 next Monday, warns 00:02: at the week's end still running, not warned.
    //   breached 3 (A sheet, B remote attempt, C sheet), met 7 (A ×3, B ×2, C remote attempt, D hand-over), no escalation;
    //   first contact: A 10:11 -> 10:40 = 29 min, B 14:03 -> 14:50 = 47 min: p50 = rank ceil(0.5·2) = 1st = 29, p90 = rank ceil(0.9·2) = 2nd = 47
    expect(answer.body.actual).toEqual({
      clocks: 12,
      breached: 3,
      met: 7,
      byRule: [
        rule('first-contact', 'normal', 2, 0, 1, 0),
        rule('first-contact', 'urgent', 1, 0, 1, 1),
        rule('hand-over', 'normal', 3, 0, 2, 1),
        rule('hand-over', 'urgent', 1, 0, 1, 0),
        rule('remote-attempt', 'normal', 1, 1, 0, 1),
        rule('remote-attempt', 'urgent', 2, 0, 2, 0),
        rule('remote-fix-sheet', 'urgent', 2, 2, 0, 2),
      ],
      firstContact: { count: 2, p50: 29, p90: 47 },
      escalations: 0,
    });
    // Proposed (hand-over 10, first contact 20 / 45, remote-fix sheet 15; the rest as in force):
    //   A hand-over: due 10:10, warns 10:08, assigned 10:11: warned, breached, met late.
    //   A first contact: due 10:31, warns 10:27 (10:11 + 16), contact 10:40: warned, breached (urgent: asks to escalate), met late.
    //   A remote attempt: met as before.      A remote-fix sheet: due 11:10, warns 11:07 (10:55 + 12), sheet 11:08: warned, met in time.
    //   B hand-over: due 14:00 (13:50 + 10), warns 13:58, but the monitor sees the ticket at 14:00: warned then, breached just after, met late at 14:03.
    //   B first contact: due 14:48, warns 14:39 (14:03 + 36), contact 14:50: warned, breached (normal: no escalation), met late.
    //   B remote attempt: as before, warned and breached.
    //   C remote attempt: met.  C remote-fix sheet: due 00:55, warns 00:52, no sheet: warned, breached.
    //   D hand-over: due 11:10, assigned 11:05: met.  D first contact: due 11:50, warns 11:41, cancelled 11:20: neither.
    //   E hand-over: due 00:00 (= the week's end), warns 23:58: warned; it breaches only after the due time, after the week.
    //   breached 6 (A ×2, B ×3, C sheet), met 4 (A remote attempt, A sheet, C remote attempt, D hand-over), 1 escalation (A first contact);
    //   first contact: the same contacts at the same times, 29 and 47 min
    expect(answer.body.proposed).toEqual({
      clocks: 12,
      breached: 6,
      met: 4,
      byRule: [
        rule('first-contact', 'normal', 2, 1, 0, 1),
        rule('first-contact', 'urgent', 1, 1, 0, 1),
        rule('hand-over', 'normal', 3, 1, 1, 2),
        rule('hand-over', 'urgent', 1, 1, 0, 1),
        rule('remote-attempt', 'normal', 1, 1, 0, 1),
        rule('remote-attempt', 'urgent', 2, 0, 2, 0),
        rule('remote-fix-sheet', 'urgent', 2, 1, 1, 2),
      ],
      firstContact: { count: 2, p50: 29, p90: 47 },
      escalations: 1,
    });
    expect(answer.body).toMatchObject({ service: 'sla-monitor', period: { from: from.toISOString(), to: to.toISOString() } });
    // C's contact and resolution, A 5, B 4, D 3, E's receipt = 15 in the week (E's assignment is after it); before it at least C's two
    expect(answer.body.replayed.eventsInPeriod).toBe(15);
    expect(answer.body.replayed.eventsBefore).toBeGreaterThanOrEqual(2);
    expect(answer.body.assumptions.join(' ')).toMatch(/recorded times/);
    expect(answer.body.proposal.policy.rules.find((r: { id: string }) => r.id === 'hand-over')).toMatchObject({ targetMinutes: 10, warnAtPercent: 80 });
  });

  it('reproduces the record with the policy in force, and gives the same bytes for the same request', async () => {
    const body = { from: from.toISOString(), to: to.toISOString(), policy: await inForce() };
    const first = await simulate(body);
    expect(first.status).toBe(200);
    expect(first.body.proposed).toEqual(first.body.actual);
    const second = await simulate(body);
    expect(second.text).toBe(first.text);
  });

  it('changes nothing: no topic grows, no table of the schema changes, no simulation group is left', async () => {
    const kafka = testMessagingClient('sla-sim-isolation');
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = async () => {
        const topics = (await admin.listTopics()).filter((topic) => topic.startsWith('support.')).sort();
        return Object.fromEntries(await Promise.all(topics.map(async (topic) => [topic, (await admin.fetchTopicOffsets(topic)).map((p) => `${p.partition}:${p.high}`).sort()])));
      };
      const tables = async () => {
        const names: Array<{ tablename: string }> = await runtime.dataSource.query(`SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename`, [schema]);
        const sums: Record<string, string> = {};
        for (const { tablename } of names) {
          const [row] = await runtime.dataSource.query(
            `SELECT count(*)::int AS n, coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS digest FROM "${schema}"."${tablename}" t`,
          );
          sums[tablename] = `${row.n}:${row.digest}`;
        }
        return sums;
      };
      // the relay has published what the drive appended: wait until the topics stand still
      let before = await offsets();
      for (let settled = false; !settled;) {
        await new Promise((resolve) => setTimeout(resolve, 1500));
        const now = await offsets();
        settled = JSON.stringify(now) === JSON.stringify(before);
        before = now;
      }
      const tablesBefore = await tables();
      const answer = await simulate({ from: from.toISOString(), to: to.toISOString(), policy: await proposal() });
      expect(answer.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(await offsets()).toEqual(before);
      expect(await tables()).toEqual(tablesBefore);
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((id) => id.includes('simulation'));
      expect(groups).toEqual([]);
    } finally {
      await admin.disconnect();
    }
  }, 60_000);

  it('is for leads only, and names every bad field of the period and the proposal', async () => {
    const body = { from: from.toISOString(), to: to.toISOString(), policy: await inForce() };
    expect((await simulate(body, agent)).status).toBe(403);
    expect((await fetch(`${url}/v1/simulations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status).toBe(401);

    const [first, ...rest] = body.policy.rules;
    const bad = await simulate({
      from: to.toISOString(),
      to: from.toISOString(),
      policy: { rules: [{ ...first, targetMinutes: -5 }, ...rest], calendar: { ...body.policy.calendar, timeZone: 'Mars/Olympus' } },
    });
    expect(bad.status).toBe(400);
    const messages: string[] = bad.body.message;
    expect(messages).toContain('to must be after from');
    expect(messages.some((m) => m.startsWith('policy.rules[0].targetMinutes'))).toBe(true);
    expect(messages.some((m) => m.startsWith('policy.calendar.timeZone'))).toBe(true);

    const future = await simulate({ ...body, to: new Date(clock.now().getTime() + minute).toISOString() });
    expect([future.status, future.body.message]).toEqual([400, [`to must not be in the future (now is ${clock.now().toISOString()})`]]);
    const shapeless = await simulate({ from: 'monday', to: to.toISOString(), policy: 'faster' });
    expect(shapeless.status).toBe(400);
    expect(shapeless.body.message.join(' | ')).toMatch(/from must be an ISO 8601 instant/);
    expect(shapeless.body.message.join(' | ')).toMatch(/policy/);
  });
});
