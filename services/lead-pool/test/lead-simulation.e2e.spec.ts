import { createHash, randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { eventCatalogue, ROSTER_TOPIC } from '@support/contracts';
import { readRecordedEvents } from '@support/messaging';
import { serveOnFreePort, signTestTokens } from '@support/service-kit';
import {
  dropTestSchema,
  jsonRequest,
  ManualClock,
  publishEvents,
  serviceDatabase,
  serviceKafka,
  testInfra,
  testMessagingClient,
  uniqueSchemaName,
  waitFor,
} from '@support/test-kit';
import { leadOutcome, RecordedInput, replayPool } from '../src/domain';
import { leadPoolService } from '../src/lead-pool.app';
import { LeadPoolRuntime, startLeadPoolRuntime } from '../src/lead-pool.providers';

const SECRET = 'lead-pool-simulation-e2e-secret-long-enough-0123';
const HOUR = 3_600_000;
const T0 = new Date('2026-11-01T02:00:00.000Z'); // Sunday 10:00 in Shanghai
const FROM = new Date('2026-11-01T16:00:00.000Z'); // Monday 2026-11-02 00:00 in Shanghai
const TO = new Date(FROM.getTime() + 7 * 24 * HOUR);
const minutes = (date: Date, n: number) => new Date(date.getTime() + n * 60_000);

// a scripted week of the pool, live over HTTP with real PostgreSQL and Kafka and a manual clock, then the
// what-if of 2:1:1 in place of 1:1:1 over it: both outcomes worked out by hand below
describe('lead-pool what-if simulation: a scripted week', () => {
  const infra = testInfra();
  const schema = uniqueSchemaName('leadsim');
  const clock = new ManualClock(T0);
  const run = randomUUID().slice(0, 8);
  const ids = { wang: `wang-${run}`, chen: `chen-${run}`, li: `li-${run}` };
  type Name = keyof typeof ids;
  let runtime: LeadPoolRuntime;
  let app: INestApplication;
  let url: string;
  let tokens: Record<string, string> = {};
  // on routing's topic before the pool joined it (its groups start at the topic's end): never taken in
  const STRAY_AT = minutes(FROM, 30);
  let strayId: string;

  beforeAll(async () => {
    // li going off duty at the period's start, had the pool taken it in, would leave li out of every replayed allocation
    [strayId] = await publishEvents([{ type: 'support.member.went-off-duty.v1', source: 'routing', streamId: ids.li, occurredAt: STRAY_AT, data: { memberId: ids.li } }]);
    runtime = await startLeadPoolRuntime(
      { ...infra, ...serviceDatabase('lead-pool'), ...serviceKafka('lead-pool'), schema, clock, tickIntervalMs: null, consumeFromBeginning: false },
      () => undefined,
    );
    ({ app, url } = await serveOnFreePort(leadPoolService, runtime, { ...infra, jwtSecret: SECRET }));
    tokens = await signTestTokens(SECRET, {
      lead: { id: `lead-zhang-${run}`, role: 'lead' },
      analyst: { id: `analyst-${run}`, role: 'analyst' },
      wang: { id: ids.wang, role: 'agent' },
      chen: { id: ids.chen, role: 'agent' },
      li: { id: ids.li, role: 'senior' },
    });
    // the roster as routing recorded it, at T0 (the replay reads these times from the topic)
    const roster = (Object.keys(ids) as Name[]).flatMap((name) => [
      {
        type: 'support.member.registered.v1',
        source: 'routing',
        streamId: ids[name],
        occurredAt: T0,
        data: { memberId: ids[name], role: name === 'li' ? 'senior' : 'agent', name, tier: 'L1', skills: [], scenarios: [], capacity: 5 },
      },
      { type: 'support.member.went-on-duty.v1', source: 'routing', streamId: ids[name], occurredAt: T0, data: { memberId: ids[name] } },
    ]);
    await publishEvents(roster);
    await waitFor('the roster', async () => (await runtime.repository.members(runtime.dataSource)).filter((m) => m.onDuty).length === 3, { timeoutMs: 30_000 });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await dropTestSchema(schema);
  });

  const call = async (who: string, method: string, path: string, body?: unknown) => {
    const response = await jsonRequest(`${url}${path}`, tokens[who], method, body);
    return { status: response.status, text: await response.text() };
  };
  const json = async (who: string, method: string, path: string, body?: unknown) => {
    const { status, text } = await call(who, method, path, body);
    return { status, body: JSON.parse(text) };
  };
  let phone = 20_000_000 + Math.floor(Math.random() * 70_000_000);
  const capture = async (by: Name, at: Date) => {
    clock.set(at);
    const captured = await json(by, 'POST', '/v1/leads', { platform: 'douyin', account: `@${by}`, customerHandle: '直播小白兔', contact: { phone: `+86 138 ${phone++}` } });
    expect(captured.status).toBe(201);
    return captured.body as { id: string; allocatedTo?: string };
  };
  const nameOf = (memberId: string) => (Object.keys(ids) as Name[]).find((name) => ids[name] === memberId) as Name;
  const respond = async (leadId: string, holder: Name, what: 'acceptance' | 'decline', at: Date) => {
    clock.set(at);
    expect((await json(holder, 'POST', `/v1/leads/${leadId}/${what}`, what === 'decline' ? { reason: '本周满负荷' } : undefined)).status).toBe(200);
  };
  const EVEN = () => [
    { memberId: ids.wang, weight: 1 },
    { memberId: ids.chen, weight: 1 },
    { memberId: ids.li, weight: 1 },
  ];
  const TWO_ONE_ONE = () => [
    { memberId: ids.wang, weight: 2 },
    { memberId: ids.chen, weight: 1 },
    { memberId: ids.li, weight: 1 },
  ];
  const simulate = (body: unknown, who = 'lead') => call(who, 'POST', '/v1/simulations', body);

  it('records the week live: 1:1:1 from Sunday, 2 leads before the period and 10 in it, one declined', async () => {
    clock.set(minutes(T0, 60));
    expect((await json('lead', 'PUT', '/v1/ratios', { ratios: EVEN(), acceptMinutes: 60 })).status).toBe(200);
    // Sunday, before the period: 1:1:1 from no counts gives wang, then chen (counts 1, 1, 0 carried into the period)
    const before = [await capture('wang', minutes(T0, 120)), await capture('wang', minutes(T0, 180))];
    expect(before.map((l) => nameOf(l.allocatedTo!))).toEqual(['wang', 'chen']);
    for (const [i, l] of before.entries()) await respond(l.id, nameOf(l.allocatedTo!), 'acceptance', minutes(T0, 125 + i * 60));

    // the period: lead i (1..10) captured at from + (i - 1) × 12 h + 1 h, by wang (1-4), chen (5-7), li (8-10),
    // accepted by its holder 10 minutes later; lead 3's first holder declines it after 5 minutes.
    // 1:1:1 (q = 2k - 2 = 4, D = 3/4) goes on from counts wang 1, chen 1, li 0 (n = 2): a member is due when
    // (n + 1) - 3c >= 3/4, the due member with the fewest goes first (ties: the first listed):
    //  lead 1: n=2 (1,1,0): only li due -> li (1,1,1)
    //  lead 2: n=3: all due, tie -> wang (2,1,1)
    //  lead 3: n=4: chen, li due, tie -> chen (2,2,1); chen declines: back to (2,1,1), chen excluded: li due (5 - 3 = 2) -> li (2,1,2)
    //  lead 4: n=5 (2,1,2): chen -> (2,2,2); lead 5: wang (3,2,2); lead 6: chen (3,3,2); lead 7: li (3,3,3)
    //  lead 8: wang (4,3,3); lead 9: chen (4,4,3); lead 10: li (4,4,4)
    const actual: Name[] = ['li', 'wang', 'chen', 'chen', 'wang', 'chen', 'li', 'wang', 'chen', 'li'];
    const by: Name[] = ['wang', 'wang', 'wang', 'wang', 'chen', 'chen', 'chen', 'li', 'li', 'li'];
    for (let i = 0; i < 10; i++) {
      const at = new Date(FROM.getTime() + i * 12 * HOUR + HOUR);
      const lead = await capture(by[i], at);
      expect(nameOf(lead.allocatedTo!)).toBe(actual[i]);
      let holder = actual[i];
      if (i === 2) {
        await respond(lead.id, holder, 'decline', minutes(at, 5));
        const now = (await json('lead', 'GET', `/v1/leads/${lead.id}`)).body;
        holder = nameOf(now.allocatedTo);
        expect(holder).toBe('li');
      }
      await respond(lead.id, holder, 'acceptance', minutes(at, 10));
    }
    clock.set(new Date(TO.getTime() + HOUR));
  });

  it('answers actual and proposed as worked out by hand', async () => {
    const { status, text } = await simulate({ from: '2026-11-02T00:00:00+08:00', to: '2026-11-09T00:00:00+08:00', ratios: TWO_ONE_ONE() });
    expect(status).toBe(200);
    const answer = JSON.parse(text);
    expect(answer).toMatchObject({ service: 'lead-pool', period: { from: FROM.toISOString(), to: TO.toISOString() }, proposal: { ratios: TWO_ONE_ONE() } });
    expect(answer.assumptions.length).toBeGreaterThanOrEqual(5);
    // every response of the record found its lead allocated in the replay: no sentence about left-out responses
    expect(answer.assumptions.join(' ')).not.toMatch(/left out/);
    expect(answer.replayed.eventsInPeriod).toBeGreaterThan(0);

    // actual (the record): leads 1-10 to li, wang, chen (declined) -> li, chen, wang, chen, li, wang, chen, li:
    // received wang 3 (2, 5, 8), chen 3 (3 taken back, 4, 6, 9), li 4 (1, 3, 7, 10); exact share 10 × 1/3 = 3.33;
    // deviation wang and chen 3 - 3.33 = -0.33, li 4 - 3.33 = 0.67.
    // prefixes (net n, share n/3): +1 li 0.67; +2 wang 0.67 (chen 0 - 2/3); +3 chen 0; -3 chen: chen 0 - 2/3 = -0.67;
    // +3 li (n = 3): chen 0 - 1 = -1 and li 2 - 1 = 1 -> the worst, 1; then 0.67, 0.67, 0, 0.67, 0.67, 0, 0.67
    expect(answer.actual).toEqual({
      captured: 10,
      allocated: 10,
      waiting: 0,
      members: [
        { memberId: ids.chen, weight: 1, contributed: 3, received: 3, exactShare: 3.33, deviation: -0.33 },
        { memberId: ids.li, weight: 1, contributed: 3, received: 4, exactShare: 3.33, deviation: 0.67 },
        { memberId: ids.wang, weight: 1, contributed: 4, received: 3, exactShare: 3.33, deviation: -0.33 },
      ],
      largestDeviation: 0.67,
      largestDeviationAtAnyPrefix: 1,
    });

    // proposed: 2:1:1 set at from is a new version counted from 0 (W = 4, q = 4): a member is due when
    // (n + 1)w - 4c >= 1, the due member with the smallest (4c + 3)/w goes first (ties: the first listed):
    //  lead 1: n=0 all due, wang 1.5 < 3 -> wang (1,0,0); lead 2: wang 2·2 - 4 = 0 not due -> chen (1,1,0)
    //  lead 3: n=2: wang 2, li 3 due; wang 3.5 > li 3 -> li (1,1,1). The record's decline (chen's) is made by
    //          li, who holds it here: back to (1,1,0), li excluded: wang 3·2 - 4 = 2 due, chen 3 - 4 not -> wang (2,1,0);
    //          the record's accept (li's) is made by wang
    //  lead 4: n=3 (2,1,0): only li due -> li (2,1,1); lead 5: n=4 all due, wang 5.5 < 7 -> wang (3,1,1)
    //  lead 6: n=5: wang 12 - 12 = 0 not due -> chen (3,2,1); lead 7: n=6: wang 7.5 > li 7 -> li (3,2,2)
    //  lead 8: n=7: only wang due -> wang (4,2,2); lead 9: n=8: wang 9.5 < 11 -> wang (5,2,2); lead 10: n=9: chen (5,3,2)
    // received wang 5, chen 3, li 2; exact share wang 10 × 2/4 = 5, chen and li 10 × 1/4 = 2.5
    // prefixes (net n; shares n/2, n/4, n/4): +1 wang 0.5; +2 chen 0.5; +3 li 0.5; -3 li 0.5; +3 wang (n = 3):
    // wang 2 - 1.5 = 0.5, li 0 - 0.75 = -0.75 -> the worst, 0.75; then 0, 0.5, 0.5, 0.5, 0, 0.5, 0.5
    expect(answer.proposed).toEqual({
      captured: 10,
      allocated: 10,
      waiting: 0,
      members: [
        { memberId: ids.chen, weight: 1, contributed: 3, received: 3, exactShare: 2.5, deviation: 0.5 },
        { memberId: ids.li, weight: 1, contributed: 3, received: 2, exactShare: 2.5, deviation: -0.5 },
        { memberId: ids.wang, weight: 2, contributed: 4, received: 5, exactShare: 5, deviation: 0 },
      ],
      largestDeviation: 0.5,
      largestDeviationAtAnyPrefix: 0.75,
    });
  });

  it('reproduces the week when the proposal is the ratios in force', async () => {
    const answer = JSON.parse((await simulate({ from: FROM.toISOString(), to: TO.toISOString(), ratios: EVEN() })).text);
    expect(answer.proposed).toEqual(answer.actual);
  });

  it('leaves out a roster event on the topic that the pool never took in, which would have changed the answer', async () => {
    const admin = testMessagingClient(`lead-sim-stray-${run}`);
    const { events } = await readRecordedEvents(admin, [ROSTER_TOPIC], { groupPrefix: `${schema}-check.`, upTo: TO, catalogue: eventCatalogue });
    expect(events.find((event) => event.id === strayId)).toMatchObject({ type: 'support.member.went-off-duty.v1', time: STRAY_AT.toISOString() });
    const handled: Array<{ event_id: string }> = await runtime.dataSource.query(`SELECT event_id FROM "${schema}".inbox WHERE event_id = $1`, [strayId]);
    expect(handled).toEqual([]);

    // the record the replay reads holds li's roster as the pool took it in: registered and on duty at T0, nothing after
    const { inputs } = await runtime.simulations.record(TO);
    const lis = inputs.filter((input) => input.source === 'roster' && input.event.data.memberId === ids.li);
    expect(lis.map((input) => [input.event.type, input.at.toISOString()])).toEqual([
      ['support.member.registered.v1', T0.toISOString()],
      ['support.member.went-on-duty.v1', T0.toISOString()],
    ]);

    // read whole, the topic would have put li off duty for the week: li would receive nothing under 2:1:1
    const stray: RecordedInput = { source: 'roster', at: STRAY_AT, event: { type: 'support.member.went-off-duty.v1', data: { memberId: ids.li } } };
    const at = inputs.findIndex((input) => input.at.getTime() > STRAY_AT.getTime());
    const withStray = [...inputs.slice(0, at), stray, ...inputs.slice(at)];
    const wouldHave = leadOutcome(replayPool(withStray, { from: FROM, ratios: TWO_ONE_ONE() }), { from: FROM, to: TO });
    expect(wouldHave.members.find((m) => m.memberId === ids.li)?.received).toBe(0);
    const answer = JSON.parse((await simulate({ from: FROM.toISOString(), to: TO.toISOString(), ratios: TWO_ONE_ONE() })).text);
    expect(answer.proposed.members.find((m: { memberId: string }) => m.memberId === ids.li).received).toBe(2);
    expect(answer.proposed).not.toEqual(wouldHave);
  });

  it('answers the same request with the same bytes', async () => {
    const body = { from: '2026-11-02T00:00:00+08:00', to: '2026-11-09T00:00:00+08:00', ratios: TWO_ONE_ONE() };
    const first = await simulate(body);
    const second = await simulate(body);
    expect(first.status).toBe(200);
    expect(second.text).toBe(first.text);
  });

  it('changes nothing: every support.* topic ends where it did, every table of the schema is as it was, no simulation group is left', async () => {
    const admin = testMessagingClient(`lead-sim-isolation-${run}`).admin();
    await admin.connect();
    try {
      const ends = async () => {
        const topics = (await admin.listTopics()).filter((topic) => topic.startsWith('support.')).sort();
        const offsets: Record<string, string> = {};
        for (const topic of topics) for (const p of await admin.fetchTopicOffsets(topic)) offsets[`${topic}/${p.partition}`] = p.high;
        return offsets;
      };
      const tables = async () => {
        const names: Array<{ table_name: string }> = await runtime.dataSource.query(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`,
          [schema],
        );
        const sums: Record<string, string> = {};
        for (const { table_name } of names) {
          const rows: Array<{ row: string }> = await runtime.dataSource.query(`SELECT t::text AS row FROM "${schema}"."${table_name}" t`);
          sums[table_name] = createHash('sha256')
            .update(
              rows
                .map((r) => r.row)
                .sort()
                .join('\n'),
            )
            .digest('hex');
        }
        return sums;
      };
      // the relay has published what the week wrote: the ends hold still
      let before = await ends();
      await waitFor(
        'the topics to settle',
        async () => {
          await new Promise((resolve) => setTimeout(resolve, 500));
          const now = await ends();
          const settled = JSON.stringify(now) === JSON.stringify(before);
          before = now;
          return settled;
        },
        { timeoutMs: 20_000 },
      );
      const tablesBefore = await tables();
      expect(Object.keys(tablesBefore)).toEqual(expect.arrayContaining(['events', 'leads', 'allocation_counts', 'ledger', 'inbox', 'outbox']));

      expect((await simulate({ from: FROM.toISOString(), to: TO.toISOString(), ratios: TWO_ONE_ONE() })).status).toBe(200);

      expect(await ends()).toEqual(before);
      expect(await tables()).toEqual(tablesBefore);
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
      // the pool's live groups are there; its throw-away replay group is gone, and no other
      expect(groups.filter((g) => g.startsWith(`${schema}.`)).sort()).toEqual([`${schema}.customer-erasures`, `${schema}.roster`, `${schema}.ticket-events`]);
      expect(groups.filter((g) => g.includes('simulation'))).toEqual([]);
    } finally {
      await admin.disconnect();
    }
  });

  it('refuses bad input with 400 naming the field and rule, and anyone but a lead', async () => {
    const period = { from: FROM.toISOString(), to: TO.toISOString() };
    const problems = async (body: unknown) => {
      const { status, body: answer } = await json('lead', 'POST', '/v1/simulations', body);
      expect(status).toBe(400);
      return JSON.stringify(answer);
    };
    expect(await problems({ ...period })).toMatch(/ratios/);
    expect(await problems({ ...period, ratios: [] })).toMatch(/ratios must contain at least 1 elements/);
    expect(await problems({ ...period, ratios: [{ memberId: ids.wang, weight: 0 }] })).toMatch(/weight must not be less than 1/);
    expect(await problems({ ...period, ratios: [{ memberId: ids.wang, weight: 1.5 }] })).toMatch(/weight must be an integer/);
    expect(await problems({ ...period, ratios: [...EVEN(), { memberId: ids.wang, weight: 3 }] })).toMatch(/ratios\[3\]\.memberId wang-\w+ is listed twice/);
    expect(await problems({ ...period, ratios: [{ memberId: `nobody-${run}`, weight: 1 }] })).toMatch(/ratios\.0\.memberId nobody-\w+ is not on the roster/);
    expect(await problems({ from: 'monday', to: period.to, ratios: EVEN() })).toMatch(/from must be an ISO 8601 instant/);
    expect(await problems({ from: period.to, to: period.from, ratios: EVEN() })).toMatch(/to must be after from/);
    expect(await problems({ from: period.from, to: new Date(TO.getTime() + 10 * HOUR).toISOString(), ratios: EVEN() })).toMatch(/to must not be in the future/);

    const body = { ...period, ratios: EVEN() };
    expect((await simulate(body, 'wang')).status).toBe(403);
    expect((await simulate(body, 'analyst')).status).toBe(403);
    const anonymous = await fetch(`${url}/v1/simulations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(anonymous.status).toBe(401);
  });
});
