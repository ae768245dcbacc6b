import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { commitChanges, DecidedChange } from '@support/command-handling';
import { serveOnFreePort, signTestTokens } from '@support/service-kit';
import { dropTestSchema, jsonRequest, ManualClock, publishEvents, testInfra, uniqueSchemaName, waitFor, serviceDatabase, serviceKafka } from '@support/test-kit';
import { leadPoolService } from '../src/lead-pool.app';
import { LeadPoolRuntime, startLeadPoolRuntime } from '../src/lead-pool.providers';

const SECRET = 'lead-pool-e2e-secret-that-is-long-enough-0123456789';

// lead-pool alone over real HTTP, PostgreSQL and Kafka; the roster comes from routing's events, published as routing would
describe('lead-pool', () => {
  const infra = testInfra();
  const schema = uniqueSchemaName('leads');
  const clock = new ManualClock(new Date('2026-11-23T02:00:00.000Z'));
  const run = randomUUID().slice(0, 8);
  const member = (name: string) => `${name}-${run}`;
  const [wang, chen, li, zhou] = [member('agent-wang'), member('agent-chen'), member('senior-li'), member('contractor-zhou')];
  let runtime: LeadPoolRuntime;
  let app: INestApplication;
  let url: string;
  let tokens: Record<string, string> = {};
  const start = () =>
    startLeadPoolRuntime(
      { ...infra, ...serviceDatabase('lead-pool'), ...serviceKafka('lead-pool'), schema, clock, tickIntervalMs: null, consumeFromBeginning: false },
      () => undefined,
    );

  beforeAll(async () => {
    runtime = await start();
    ({ app, url } = await serveOnFreePort(leadPoolService, runtime, { ...infra, jwtSecret: SECRET }));
    tokens = await signTestTokens(SECRET, {
      lead: { id: member('lead-zhang'), role: 'lead' },
      wang: { id: wang, role: 'agent' },
      chen: { id: chen, role: 'agent' },
      li: { id: li, role: 'senior' },
      zhou: { id: zhou, role: 'contractor' },
      webhook: { id: 'social-hub', role: 'service' },
      analyst: { id: 'ops', role: 'analyst' },
    });
    const roster = [
      [wang, 'agent'],
      [chen, 'agent'],
      [li, 'senior'],
      [zhou, 'contractor'],
    ] as const;
    await publishEvents(
      roster.flatMap(([memberId, role]) => [
        {
          type: 'support.member.registered.v1',
          source: 'routing',
          streamId: memberId,
          data: { memberId, role, name: memberId, tier: role === 'senior' ? 'L2' : 'L1', skills: [], scenarios: [], capacity: 5 },
        },
        { type: 'support.member.went-on-duty.v1', source: 'routing', streamId: memberId, data: { memberId } },
      ]),
    );
    await waitFor('the roster', async () => (await runtime.repository.members(runtime.dataSource)).filter((m) => m.onDuty).length === 4);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await dropTestSchema(schema);
  });

  const call = async (who: string, method: string, path: string, body?: unknown) => {
    const response = await jsonRequest(`${url}${path}`, tokens[who], method, body);
    return { status: response.status, body: await response.json() };
  };
  const phone = () => `+86 139 ${Math.floor(10_000_000 + Math.random() * 89_999_999)}`;
  const capture = (who: string, contact: { phone?: string; wechat?: string } = { phone: phone() }) =>
    call(who, 'POST', '/v1/leads', { platform: 'douyin', account: `@${who}`, customerHandle: '直播小白兔', contact, note: '想咨询推流设备' });

  it('keeps contractors out: they may not capture, and ratios naming one are refused', async () => {
    expect((await capture('zhou')).status).toBe(403);
    const refused = await call('lead', 'PUT', '/v1/ratios', {
      ratios: [
        { memberId: wang, weight: 2 },
        { memberId: zhou, weight: 1 },
      ],
      acceptMinutes: 30,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.message[0]).toMatch(/contractor/);
    expect((await call('wang', 'PUT', '/v1/ratios', { ratios: [{ memberId: wang, weight: 2 }], acceptMinutes: 30 })).status).toBe(403);
  });

  it('allocates 10,000 leads by 2:2:1 with every member within 1 of their exact share at every prefix, across a restart', async () => {
    expect(
      (
        await call('lead', 'PUT', '/v1/ratios', {
          ratios: [
            { memberId: wang, weight: 2 },
            { memberId: chen, weight: 2 },
            { memberId: li, weight: 1 },
          ],
          acceptMinutes: 60 * 24 * 7,
        })
      ).status,
    ).toBe(200);
    // 10,000 leads captured straight through the aggregate, 500 per transaction (capture itself is tested below)
    for (let batch = 0; batch < 20; batch++) {
      await runtime.dataSource.transaction(async (manager) => {
        const changes: Array<DecidedChange<unknown>> = [];
        for (let i = 0; i < 500; i++) {
          const leadId = randomUUID();
          const decided = await runtime.aggregates.leads.decide(
            manager,
            leadId,
            (at) => ({
              type: 'CaptureLead',
              leadId,
              source: { memberId: wang, platform: 'bench', account: '@bench' },
              customerHandle: `lead ${batch * 500 + i}`,
              contact: { wechat: `w-${leadId}` },
              via: 'webhook',
              actor: { id: 'social-hub', role: 'service' },
              at,
            }),
            { actor: { id: 'social-hub', role: 'service' } },
          );
          if (!('request' in decided)) throw new Error(decided.reason);
          changes.push(decided);
        }
        const committed = await commitChanges(manager, runtime.aggregates.pipeline, changes);
        if (!committed.ok) throw new Error(committed.reason);
      });
    }
    let allocated = 0;
    for (let batch = 0; batch < 10; batch++) allocated += await runtime.allocator.allocatePending();
    expect(allocated).toBe(5000);
    // the allocator "restarts": a new runtime on the same schema continues from the stored counts
    await app.close();
    runtime = await start();
    ({ app, url } = await serveOnFreePort(leadPoolService, runtime, { ...infra, jwtSecret: SECRET }));
    allocated += await runtime.allocator.runDue();
    expect(allocated).toBe(10_000);

    const order: Array<{ member: string }> = await runtime.dataSource.query(
      `SELECT data->>'memberId' AS member FROM "${schema}".events WHERE type = 'support.lead.allocated.v1' ORDER BY global_position`,
    );
    expect(order).toHaveLength(10_000);
    const weights = new Map([
      [wang, 2],
      [chen, 2],
      [li, 1],
    ]);
    const counts = new Map([
      [wang, 0],
      [chen, 0],
      [li, 0],
    ]);
    let worst = 0;
    order.forEach(({ member: memberId }, i) => {
      counts.set(memberId, (counts.get(memberId) ?? 0) + 1);
      for (const [id, weight] of weights) worst = Math.max(worst, Math.abs((counts.get(id) ?? 0) - ((i + 1) * weight) / 5));
    });
    expect(worst).toBeLessThan(1);
    expect([...counts.values()]).toEqual([4000, 4000, 2000]);
    expect(counts.has(zhou)).toBe(false);
  }, 180_000);

  it('gives a lead not accepted in time to the next member, and a declined one too', async () => {
    expect(
      (
        await call('lead', 'PUT', '/v1/ratios', {
          ratios: [
            { memberId: wang, weight: 1 },
            { memberId: chen, weight: 1 },
          ],
          acceptMinutes: 30,
        })
      ).status,
    ).toBe(200);
    const captured = await capture('li');
    expect(captured.status).toBe(201);
    const first = captured.body.allocatedTo;
    expect([wang, chen]).toContain(first);
    clock.advanceMinutes(31);
    await runtime.allocator.runDue();
    const lead = (await call('lead', 'GET', `/v1/leads/${captured.body.id}`)).body;
    expect(lead.status).toBe('allocated');
    expect(lead.allocatedTo).toBe(first === wang ? chen : wang);
    const history = (await call('lead', 'GET', `/v1/leads/${captured.body.id}/history`)).body.map(
      (h: { type: string; data: { why?: string } }) => h.data.why ?? h.type.replace('support.lead.', ''),
    );
    expect(history).toEqual(['captured.v1', 'allocated.v1', 'timed-out', 'allocated.v1']);

    const other = (await capture('li')).body;
    const holder = other.allocatedTo === wang ? 'wang' : 'chen';
    expect((await call(holder === 'wang' ? 'chen' : 'wang', 'POST', `/v1/leads/${other.id}/acceptance`)).status).toBe(409);
    expect((await call(holder, 'POST', `/v1/leads/${other.id}/decline`, { reason: '本周满负荷' })).status).toBe(200);
    const next = (await call('lead', 'GET', `/v1/leads/${other.id}`)).body;
    expect(next.allocatedTo).toBe(holder === 'wang' ? chen : wang);
    expect((await call(holder === 'wang' ? 'chen' : 'wang', 'POST', `/v1/leads/${other.id}/acceptance`)).body).toMatchObject({ status: 'accepted' });
  });

  it('merges a second capture of the same contact into the first lead, whose source keeps the credit', async () => {
    const contact = { phone: phone() };
    const first = await capture('chen', contact);
    const again = await call('li', 'POST', '/v1/leads', { platform: 'xiaohongshu', account: '@li', customerHandle: '小白兔', contact });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: first.body.id, merged: true });
    const lead = (await call('lead', 'GET', `/v1/leads/${first.body.id}`)).body;
    expect(lead.source.memberId).toBe(chen);
    expect(lead.mergedSources.map((s: { memberId: string }) => s.memberId)).toEqual([li]);
    const byWebhook = await call('webhook', 'POST', '/v1/webhooks/leads', { memberId: wang, platform: 'wechat-official', account: 'studio', customerHandle: 'x', contact });
    expect(byWebhook.body).toMatchObject({ id: first.body.id, merged: true });
  });

  it('captures many leads at once (written in groups): each answered allocated, the shares within 1 at every prefix; one contact sent 5 times at once is one lead', async () => {
    const set = await call('lead', 'PUT', '/v1/ratios', {
      ratios: [
        { memberId: wang, weight: 2 },
        { memberId: chen, weight: 2 },
        { memberId: li, weight: 1 },
      ],
      acceptMinutes: 60 * 24 * 7,
    });
    expect(set.status).toBe(200);
    const contact = { wechat: `w-same-${randomUUID()}` };
    const sent = await Promise.all([...Array.from({ length: 60 }, (_, i) => capture(['wang', 'chen', 'li'][i % 3])), ...Array.from({ length: 5 }, () => capture('wang', contact))]);
    const fresh = sent.slice(0, 60);
    expect(fresh.map((r) => r.status)).toEqual(Array(60).fill(201));
    expect(fresh.every((r) => r.body.status === 'allocated' && [wang, chen, li].includes(r.body.allocatedTo))).toBe(true);
    // the same contact: one capture, four merges into its lead, whichever came first
    const same = sent.slice(60);
    expect(same.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(same.map((r) => r.body.id)).size).toBe(1);
    const lead = (await call('lead', 'GET', `/v1/leads/${same[0].body.id}`)).body;
    expect(lead.mergedSources).toHaveLength(4);

    const order: Array<{ member: string }> = await runtime.dataSource.query(
      `SELECT data->>'memberId' AS member FROM "${schema}".events WHERE type = 'support.lead.allocated.v1' AND (data->>'policyVersion')::int = $1 ORDER BY global_position`,
      [set.body.version],
    );
    expect(order).toHaveLength(61);
    const weights = new Map([
      [wang, 2],
      [chen, 2],
      [li, 1],
    ]);
    const counts = new Map<string, number>();
    let worst = 0;
    order.forEach(({ member: memberId }, i) => {
      counts.set(memberId, (counts.get(memberId) ?? 0) + 1);
      for (const [id, weight] of weights) worst = Math.max(worst, Math.abs((counts.get(id) ?? 0) - ((i + 1) * weight) / 5));
    });
    expect(worst).toBeLessThan(1);
  });

  it('captures once per Idempotency-Key: a retry gets the first answer again, merges nothing; the key with another body is 422', async () => {
    const delivery = { memberId: wang, platform: 'douyin', account: 'studio', customerHandle: '小鹿', contact: { phone: phone() } };
    const key = `delivery-${randomUUID()}`;
    const send = (body: unknown) => jsonRequest(`${url}/v1/webhooks/leads`, tokens.webhook, 'POST', body, { 'Idempotency-Key': key });
    const first = await send(delivery);
    expect(first.status).toBe(201);
    const captured = await first.json();
    expect(captured).toMatchObject({ id: expect.any(String), merged: false, version: expect.any(Number) });
    expect(first.headers.get('location')).toBe(`/v1/leads/${captured.id}`);
    const retried = await send(delivery);
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(await retried.json()).toMatchObject({ id: captured.id, merged: false });
    // the retry recorded no merge: the lead has no merged sources
    expect((await call('lead', 'GET', `/v1/leads/${captured.id}`)).body.mergedSources ?? []).toEqual([]);
    expect((await send({ ...delivery, customerHandle: '另一个人' })).status).toBe(422);
  });

  it('keeps a weekly ledger of contributed and received leads against the ratios, and answers bad input with 400', async () => {
    const ledger = (await call('lead', 'GET', '/v1/ledger?week=2026-W48')).body;
    const line = (id: string) => ledger.members.find((m: { memberId: string }) => m.memberId === id);
    expect(line(li).contributed).toBeGreaterThanOrEqual(2);
    expect(line(wang).received + line(chen).received).toBeGreaterThanOrEqual(3);
    // without a week: the current one by the service's clock (a Monday in 2026-W48 here), not the machine's
    expect((await call('lead', 'GET', '/v1/ledger')).body).toEqual(ledger);
    expect((await call('lead', 'GET', '/v1/ledger?week=48')).status).toBe(400);
    const bad = await call('wang', 'POST', '/v1/leads', { platform: '', account: '@x', customerHandle: 'y', contact: {} });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toEqual(expect.arrayContaining([expect.stringMatching(/^platform/), expect.stringMatching(/^contact\.phone/)]));
  });

  it('shows a lead and its history only to who brought it in or holds it, and to a lead: others get the 404 of a lead that does not exist', async () => {
    expect((await call('lead', 'PUT', '/v1/ratios', { ratios: [{ memberId: wang, weight: 1 }], acceptMinutes: 30 })).status).toBe(200);
    const captured = (await capture('li')).body;
    expect(captured.allocatedTo).toBe(wang);
    const missing = randomUUID();
    for (const suffix of ['', '/history']) {
      for (const reader of ['li', 'wang', 'lead']) expect([reader, (await call(reader, 'GET', `/v1/leads/${captured.id}${suffix}`)).status]).toEqual([reader, 200]);
      const hidden = await call('chen', 'GET', `/v1/leads/${captured.id}${suffix}`);
      const absent = await call('chen', 'GET', `/v1/leads/${missing}${suffix}`);
      expect([hidden.status, hidden.body.message.replace(captured.id, '<id>')]).toEqual([404, absent.body.message.replace(missing, '<id>')]);
    }
    // declined, it goes back to the pool: the member who held it holds it no more
    expect((await call('wang', 'POST', `/v1/leads/${captured.id}/decline`, { reason: '不熟悉这类设备' })).status).toBe(200);
    expect((await call('wang', 'GET', `/v1/leads/${captured.id}`)).status).toBe(404);
    expect((await call('li', 'GET', `/v1/leads/${captured.id}`)).status).toBe(200);
  });

  it("shows an analyst the prospect's data masked in a lead, the lists and its history, and a lead the clear values", async () => {
    expect((await call('lead', 'PUT', '/v1/ratios', { ratios: [{ memberId: wang, weight: 1 }], acceptMinutes: 30 })).status).toBe(200);
    const contact = { phone: phone(), wechat: `wx_${randomUUID().slice(0, 6)}88` };
    const captured = (await capture('li', contact)).body;
    expect(captured.allocatedTo).toBe(wang);
    expect((await call('wang', 'POST', `/v1/leads/${captured.id}/acceptance`)).status).toBe(200);
    const conversion = { customer: { name: '王女士' }, deviceModel: 'OBS 推流主机', problem: '推流卡顿', urgency: 'normal' };
    expect((await call('wang', 'POST', `/v1/leads/${captured.id}/conversion`, conversion)).body).toMatchObject({ status: 'converted' });
    const reads = async (who: string) => ({
      lead: (await call(who, 'GET', `/v1/leads/${captured.id}`)).body,
      all: (await call(who, 'GET', '/v1/leads?limit=200')).body.items,
      converted: (await call(who, 'GET', '/v1/leads?status=converted&limit=200')).body.items,
      history: (await call(who, 'GET', `/v1/leads/${captured.id}/history`)).body,
    });
    const dataOf = (history: Array<{ type: string; data: Record<string, unknown> }>, type: string) => history.find((entry) => entry.type === type)?.data;

    const analyst = await reads('analyst');
    const maskedContact = { phone: contact.phone.replace(/\d{4}(\d{4})$/, '****$1'), wechat: 'wx****88' };
    expect(analyst.lead).toMatchObject({ customerHandle: '****', contact: maskedContact, ticketCause: { customer: { name: '王*', ...maskedContact } } });
    for (const list of [analyst.all, analyst.converted]) expect(list.find((l: { leadId: string }) => l.leadId === captured.id)).toEqual(analyst.lead);
    expect(dataOf(analyst.history, 'support.lead.captured.v1')).toMatchObject({ customerHandle: '****', contact: maskedContact });
    expect(dataOf(analyst.history, 'support.lead.converted.v1')).toMatchObject({ customer: { name: '王*', ...maskedContact } });
    // nothing clear anywhere in what the analyst got, of this lead or any other
    for (const clear of ['直播小白兔', '王女士', contact.phone, contact.wechat]) expect([clear, JSON.stringify(analyst).includes(clear)]).toEqual([clear, false]);

    const lead = await reads('lead');
    expect(lead.lead).toMatchObject({ customerHandle: '直播小白兔', contact, ticketCause: { customer: { name: '王女士', ...contact } } });
    expect(dataOf(lead.history, 'support.lead.converted.v1')).toMatchObject({ customer: { name: '王女士', ...contact } });
  });
});
