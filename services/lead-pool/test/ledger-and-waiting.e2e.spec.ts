import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { commitChanges, DecidedChange } from '@support/command-handling';
import { serveOnFreePort, signTestTokens } from '@support/service-kit';
import { dropTestSchema, jsonRequest, ManualClock, ownerDatabaseUrl, publishEvents, testInfra, uniqueSchemaName, waitFor, serviceDatabase, serviceKafka } from '@support/test-kit';
import { ALLOCATION_BATCH } from '../src/application/lead-allocator';
import { leadPoolService } from '../src/lead-pool.app';
import { LeadPoolRuntime, startLeadPoolRuntime } from '../src/lead-pool.providers';
import { leadPoolMigrations } from '../src/persistence/lead-pool.migrations';

const SECRET = 'lead-pool-ledger-e2e-secret-that-is-long-enough-0123';
const START = new Date('2026-11-23T02:00:00.000Z'); // Monday 10:00 in Shanghai, 2026-W48

// the weekly ledger across a change of ratios, leads waiting for someone on duty, and what a capture
// costs as the pool grows: lead-pool alone over real HTTP, PostgreSQL and Kafka, its allocator run
// only by requests and roster events (no periodic tick)
describe('lead-pool ledger and waiting leads', () => {
  const infra = testInfra();
  const schema = uniqueSchemaName('leadledger');
  const clock = new ManualClock(START);
  const run = randomUUID().slice(0, 8);
  const member = (name: string) => `${name}-${run}`;
  const names = ['wang', 'chen', 'li', 'zhou', 'sun', 'qian', 'zhao', 'wu'] as const;
  const ids = Object.fromEntries(names.map((name) => [name, member(name)])) as Record<(typeof names)[number], string>;
  let runtime: LeadPoolRuntime;
  let app: INestApplication;
  let url: string;
  let tokens: Record<string, string> = {};

  const registered = (memberId: string) => ({
    type: 'support.member.registered.v1',
    source: 'routing',
    streamId: memberId,
    data: { memberId, role: 'agent', name: memberId, tier: 'L1', skills: [], scenarios: [], capacity: 5 },
  });
  const wentOnDuty = (memberId: string) => ({ type: 'support.member.went-on-duty.v1', source: 'routing', streamId: memberId, data: { memberId } });

  beforeAll(async () => {
    runtime = await startLeadPoolRuntime(
      { ...infra, ...serviceDatabase('lead-pool'), ...serviceKafka('lead-pool'), schema, clock, tickIntervalMs: null, consumeFromBeginning: false },
      () => undefined,
    );
    ({ app, url } = await serveOnFreePort(leadPoolService, runtime, { ...infra, jwtSecret: SECRET }));
    tokens = await signTestTokens(SECRET, {
      lead: { id: member('lead-zhang'), role: 'lead' },
      ...Object.fromEntries(names.map((name) => [name, { id: ids[name], role: 'agent' }])),
    });
    // wang, chen, li and zhou on duty; sun, qian, zhao and wu only registered (off duty)
    await publishEvents([...names.map((name) => registered(ids[name])), ...(['wang', 'chen', 'li', 'zhou'] as const).map((name) => wentOnDuty(ids[name]))]);
    await waitFor(
      'the roster',
      async () => {
        const members = await runtime.repository.members(runtime.dataSource);
        return members.length === names.length && members.filter((m) => m.onDuty).length === 4;
      },
      { timeoutMs: 30_000, describe: async () => runtime.repository.members(runtime.dataSource) },
    );
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await dropTestSchema(schema);
  });

  const call = async (who: string, method: string, path: string, body?: unknown) => {
    const response = await jsonRequest(`${url}${path}`, tokens[who], method, body);
    return { status: response.status, body: await response.json() };
  };
  // this run's own numbers: other suites' tickets on the shared topic must not match these leads
  let phones = 10_000_000 + Math.floor(Math.random() * 80_000_000);
  const capture = async () => {
    const captured = await call('wang', 'POST', '/v1/leads', { platform: 'douyin', account: '@wang', customerHandle: '直播小白兔', contact: { phone: `+86 139 ${phones++}` } });
    expect(captured.status).toBe(201);
    return captured.body as { id: string; status: string; allocatedTo?: string; waitingReason?: { code: string; message: string } };
  };
  const nameOf = (memberId: string) => names.find((name) => ids[name] === memberId)!;
  const ledger = async () => (await call('lead', 'GET', '/v1/ledger')).body;

  it("expects each allocation's share under the ratios it was made under, and takes returned ones out under theirs", async () => {
    // version 1: 2 : 2 : 1
    expect(
      (
        await call('lead', 'PUT', '/v1/ratios', {
          ratios: [
            { memberId: ids.wang, weight: 2 },
            { memberId: ids.chen, weight: 2 },
            { memberId: ids.li, weight: 1 },
          ],
          acceptMinutes: 30,
        })
      ).status,
    ).toBe(200);
    const first: Array<{ id: string; allocatedTo?: string }> = [];
    for (let i = 0; i < 10; i++) first.push(await capture());
    const liHolds = first.filter((lead) => lead.allocatedTo === ids.li);
    expect(liHolds).toHaveLength(2);
    for (const lead of first.filter((l) => l.allocatedTo !== ids.li)) expect((await call(nameOf(lead.allocatedTo!), 'POST', `/v1/leads/${lead.id}/acceptance`)).status).toBe(200);

    // version 2: li leaves the ratios, zhou joins: 2 : 2 : 1
    expect(
      (
        await call('lead', 'PUT', '/v1/ratios', {
          ratios: [
            { memberId: ids.wang, weight: 2 },
            { memberId: ids.chen, weight: 2 },
            { memberId: ids.zhou, weight: 1 },
          ],
          acceptMinutes: 30,
        })
      ).status,
    ).toBe(200);
    // li declines one version-1 lead and lets the other time out: both go again, under version 2
    expect((await call('li', 'POST', `/v1/leads/${liHolds[0].id}/decline`, { reason: '本周满负荷' })).status).toBe(200);
    const declined = (await call('lead', 'GET', `/v1/leads/${liHolds[0].id}`)).body;
    expect((await call(nameOf(declined.allocatedTo), 'POST', `/v1/leads/${liHolds[0].id}/acceptance`)).status).toBe(200);
    clock.advanceMinutes(31);
    expect(await runtime.allocator.runDue()).toBe(1);
    const expired = (await call('lead', 'GET', `/v1/leads/${liHolds[1].id}`)).body;
    expect(expired).toMatchObject({ status: 'allocated', policyVersion: 2 });
    expect((await call(nameOf(expired.allocatedTo), 'POST', `/v1/leads/${liHolds[1].id}/acceptance`)).status).toBe(200);
    for (let i = 0; i < 10; i++) {
      const lead = await capture();
      expect((await call(nameOf(lead.allocatedTo!), 'POST', `/v1/leads/${lead.id}/acceptance`)).status).toBe(200);
    }

    // 8 allocations stayed under version 1 (10 less the 2 returned), 12 under version 2 (the 2 again and 10 new):
    // wang and chen 8 x 2/5 + 12 x 2/5 = 8, li 8 x 1/5 = 1.6 (no longer in the ratios), zhou 12 x 1/5 = 2.4 (joined later)
    const { members } = await ledger();
    const line = (memberId: string) => members.find((m: { memberId: string }) => m.memberId === memberId);
    expect(line(ids.wang).expected).toBe(8);
    expect(line(ids.chen).expected).toBe(8);
    expect(line(ids.li)).toMatchObject({ received: 0, weight: 0, expected: 1.6, deviation: -1.6 });
    expect(line(ids.zhou)).toMatchObject({ weight: 1, expected: 2.4 });
    for (const m of members) expect(m.deviation).toBeCloseTo(m.received - m.expected, 10);
    expect(members.reduce((sum: number, m: { received: number }) => sum + m.received, 0)).toBe(20);
  });

  it('names off-duty members when the ratios are set, says why a pooled lead waits, and shows the wait in the ledger', async () => {
    const set = await call('lead', 'PUT', '/v1/ratios', {
      ratios: [
        { memberId: ids.sun, weight: 2 },
        { memberId: ids.qian, weight: 2 },
        { memberId: ids.zhao, weight: 1 },
      ],
      acceptMinutes: 30,
    });
    expect(set.status).toBe(200);
    expect(set.body.offDuty).toEqual([ids.sun, ids.qian, ids.zhao]);
    expect(set.body.warnings).toEqual([expect.stringMatching(/^every member in the ratios is off duty .*captured leads wait in the pool/)]);

    const since = clock.now();
    const waiting = await capture();
    expect(waiting).toMatchObject({ status: 'pooled', waitingReason: { code: 'no-member-on-duty', message: expect.stringContaining(ids.qian) } });
    clock.set(new Date(since.getTime() + 90_000));
    const second = await capture();
    expect((await call('lead', 'GET', `/v1/leads/${waiting.id}`)).body.waitingReason.code).toBe('no-member-on-duty');
    const pooled = (await call('lead', 'GET', '/v1/leads?status=pooled')).body.items;
    expect(pooled.map((lead: { leadId: string; waitingReason: { code: string } }) => [lead.leadId, lead.waitingReason.code])).toEqual([
      [second.id, 'no-member-on-duty'],
      [waiting.id, 'no-member-on-duty'],
    ]);
    expect((await ledger()).pool).toEqual({ waiting: 2, oldestWaitingSince: since.toISOString(), longestWaitSeconds: 90 });

    // half the ratios on duty: some still off duty, but nobody waits for them
    const partly = await call('lead', 'PUT', '/v1/ratios', {
      ratios: [
        { memberId: ids.sun, weight: 1 },
        { memberId: ids.wang, weight: 1 },
      ],
      acceptMinutes: 30,
    });
    expect(partly.body).toMatchObject({ offDuty: [ids.sun], warnings: [expect.stringMatching(/is off duty: leads go to the others/)] });
    expect((await ledger()).pool).toMatchObject({ waiting: 0, oldestWaitingSince: null });
  });

  it('allocates waiting leads as soon as a member of the ratios comes on duty, with no tick and no request', async () => {
    expect(
      (
        await call('lead', 'PUT', '/v1/ratios', {
          ratios: [
            { memberId: ids.qian, weight: 1 },
            { memberId: ids.zhao, weight: 1 },
          ],
          acceptMinutes: 30,
        })
      ).body.offDuty,
    ).toEqual([ids.qian, ids.zhao]);
    const waiting = [await capture(), await capture()];
    expect(waiting.map((lead) => lead.status)).toEqual(['pooled', 'pooled']);

    // routing's roster event, over Kafka: the pool's roster consumer hands the leads out
    await publishEvents([wentOnDuty(ids.zhao)]);
    for (const lead of waiting) {
      const allocated = await waitFor(`lead ${lead.id} allocated`, async () => {
        const now = (await call('lead', 'GET', `/v1/leads/${lead.id}`)).body;
        return now.status === 'allocated' && now;
      });
      expect(allocated).toMatchObject({ allocatedTo: ids.zhao });
      expect(allocated.waitingReason).toBeUndefined();
    }
    expect((await ledger()).pool.waiting).toBe(0);
  });

  it('costs a capture the same whatever the pool holds: no read of leads nobody can take', async () => {
    expect((await call('lead', 'PUT', '/v1/ratios', { ratios: [{ memberId: ids.wu, weight: 1 }], acceptMinutes: 30 })).body.offDuty).toEqual([ids.wu]);
    // per capture: the lead streams loaded, and the rows read from the leads table
    const loads = jest.spyOn(runtime.aggregates.pipeline.store, 'readStream');
    const query = PostgresQueryRunner.prototype.query;
    let leadRows = 0;
    const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query').mockImplementation(async function (this: PostgresQueryRunner, sql: string, ...rest: unknown[]) {
      const result = await (query as (...args: unknown[]) => Promise<unknown>).call(this, sql, ...rest);
      if (/^\s*SELECT/i.test(sql) && sql.includes(`"${schema}"."leads"`) && Array.isArray(result)) leadRows += result.length;
      return result as never;
    });
    const costOfCapture = async () => {
      loads.mockClear();
      leadRows = 0;
      expect((await capture()).status).toBe('pooled');
      return { loads: loads.mock.calls.length, leadRows };
    };
    try {
      const small = await costOfCapture();
      await pool(600);
      const large = await costOfCapture();
      expect((await ledger()).pool.waiting).toBeGreaterThan(600);
      expect(large).toEqual(small);
      // the new lead's own stream, and reading the lead back for the answer
      expect(small.loads).toBeLessThanOrEqual(2);
    } finally {
      spy.mockRestore();
      loads.mockRestore();
    }
  }, 120_000);

  it('allocates more than a batch of waiting leads when their member comes on duty: the rest right after the first batch commits', async () => {
    const waiting = (await ledger()).pool.waiting;
    expect(waiting).toBeGreaterThan(ALLOCATION_BATCH);
    await publishEvents([wentOnDuty(ids.wu)]);
    await waitFor('the pool emptied', async () => (await ledger()).pool.waiting === 0, { timeoutMs: 60_000 });
    const [{ n }] = await runtime.dataSource.query(`SELECT count(*)::int AS n FROM "${schema}".leads WHERE status = 'allocated' AND allocated_to = $1`, [ids.wu]);
    expect(n).toBe(waiting);
  }, 90_000);

  it("fills the ledger's allocations and the waiting times from the stored events alone, as they were booked", async () => {
    await pool(3);
    // as the owner: migrations are its to run, and what they create is granted only by the migrate step
    const owner = await new DataSource({ type: 'postgres', url: ownerDatabaseUrl() }).initialize();
    const booked = async (db: DataSource) => ({
      allocations: await db.query(`SELECT week, policy_version, allocations FROM "${schema}".ledger_allocations ORDER BY 1, 2`),
      waiting: await db.query(`SELECT lead_id, pooled_since FROM "${schema}".leads WHERE status = 'pooled' ORDER BY 1`),
    });
    try {
      const live = await booked(runtime.dataSource);
      expect(live.allocations.length).toBeGreaterThan(3);
      expect(live.waiting).toHaveLength(3);
      // the migration that added them, undone and done again on this schema's events
      const Migration = leadPoolMigrations(schema).find((migration) => migration.name.startsWith('LeadPoolExpectedAndWaiting'))!;
      const runner = owner.createQueryRunner();
      try {
        await new Migration().down(runner);
        await new Migration().up(runner);
      } finally {
        await runner.release();
      }
      expect(await booked(owner)).toEqual(live);
    } finally {
      await owner.destroy();
    }
  });

  /** `count` pooled leads straight through the aggregate, 300 per transaction */
  async function pool(count: number) {
    for (let done = 0; done < count; done += 300) {
      await runtime.dataSource.transaction(async (manager) => {
        const changes: Array<DecidedChange<unknown>> = [];
        for (let i = 0; i < Math.min(300, count - done); i++) {
          const leadId = randomUUID();
          const decided = await runtime.aggregates.leads.decide(
            manager,
            leadId,
            (at) => ({
              type: 'CaptureLead',
              leadId,
              source: { memberId: ids.wang, platform: 'bench', account: '@bench' },
              customerHandle: 'x',
              contact: { wechat: `w-${leadId}` },
              via: 'webhook',
              actor: { id: 'hub', role: 'service' },
              at,
            }),
            { actor: { id: 'hub', role: 'service' } },
          );
          if (!('request' in decided)) throw new Error(decided.reason);
          changes.push(decided);
        }
        const committed = await commitChanges(manager, runtime.aggregates.pipeline, changes);
        if (!committed.ok) throw new Error(committed.reason);
      });
    }
  }
});
