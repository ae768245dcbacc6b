import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { ERASED, eventCatalogue, LEADS_TOPIC } from '@support/contracts';
import { followTopic, TopicFollower, TopicMessage } from '@support/messaging';
import { newDataKey, sealAt, SubjectKeys } from '@support/personal-data';
import { serveOnFreePort, signTestTokens } from '@support/service-kit';
import { dropTestSchema, everyItem, jsonRequest, publishEvents, serviceDatabase, serviceKafka, testInfra, testMessagingClient, uniqueSchemaName, waitFor } from '@support/test-kit';
import { LeadPersonalData } from '../src/application/lead-personal-data';
import { leadPoolService } from '../src/lead-pool.app';
import { LeadPoolRuntime, startLeadPoolRuntime } from '../src/lead-pool.providers';

const SECRET = 'lead-pool-personal-data-e2e-secret-long-enough-0123';

// a prospect's personal data sealed with the lead's own key at the source (event table, topic, leads
// table), opened for readers who may see it, and erased by destroying the key: lead-pool alone over
// real HTTP, PostgreSQL and Kafka; intake's tickets and erasures published as intake would (sealed)
describe('lead-pool personal data', () => {
  const infra = testInfra();
  const schema = uniqueSchemaName('leadpd');
  const run = randomUUID().slice(0, 8);
  const wang = `agent-wang-${run}`;
  let runtime: LeadPoolRuntime;
  let app: INestApplication;
  let url: string;
  let tokens: Record<string, string> = {};
  let published: TopicFollower;
  const messages: TopicMessage[] = [];

  beforeAll(async () => {
    runtime = await startLeadPoolRuntime(
      { ...infra, ...serviceDatabase('lead-pool'), ...serviceKafka('lead-pool'), schema, tickIntervalMs: null, consumeFromBeginning: false },
      () => undefined,
    );
    ({ app, url } = await serveOnFreePort(leadPoolService, runtime, { ...infra, jwtSecret: SECRET }));
    tokens = await signTestTokens(SECRET, {
      lead: { id: `lead-zhang-${run}`, role: 'lead' },
      wang: { id: wang, role: 'agent' },
      senior: { id: `senior-li-${run}`, role: 'senior' },
      analyst: { id: 'ops', role: 'analyst' },
    });
    published = await followTopic(testMessagingClient('test-reader'), LEADS_TOPIC, (message) => messages.push(message));
    await publishEvents([
      {
        type: 'support.member.registered.v1',
        source: 'routing',
        streamId: wang,
        data: { memberId: wang, role: 'agent', name: wang, tier: 'L1', skills: [], scenarios: [], capacity: 5 },
      },
      { type: 'support.member.went-on-duty.v1', source: 'routing', streamId: wang, data: { memberId: wang } },
    ]);
    await waitFor('the roster', async () => (await runtime.repository.members(runtime.dataSource)).some((m) => m.onDuty));
    expect((await call('lead', 'PUT', '/v1/ratios', { ratios: [{ memberId: wang, weight: 1 }], acceptMinutes: 60 * 24 })).status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await published?.stop();
    await app?.close();
    await dropTestSchema(schema);
  });

  const call = async (who: string, method: string, path: string, body?: unknown) => {
    const response = await jsonRequest(`${url}${path}`, tokens[who], method, body);
    return { status: response.status, body: await response.json() };
  };
  const sql = (text: string, params: unknown[] = []) => runtime.dataSource.query(text.replace(/\blead_pool\./g, `"${schema}".`), params);

  // a prospect of this run's own: no other suite's ticket on the shared topic matches them
  const prospect = () => {
    const digits = String(Math.floor(10_000_000 + Math.random() * 89_999_999));
    return { handle: `直播小白兔${digits}`, name: `王女士${digits}`, contact: { phone: `+86 139 ${digits}`, wechat: `wx_${digits}` } };
  };
  type Prospect = ReturnType<typeof prospect>;
  const clearValuesOf = (p: Prospect) => [p.handle, p.name, p.contact.phone, p.contact.wechat];
  const captured = async (p: Prospect): Promise<string> => {
    const answer = await call('wang', 'POST', '/v1/leads', { platform: 'douyin', account: '@wang', customerHandle: p.handle, contact: p.contact });
    expect([answer.status, answer.body.allocatedTo]).toEqual([201, wang]);
    return answer.body.id;
  };
  const converted = async (p: Prospect): Promise<string> => {
    const leadId = await captured(p);
    expect((await call('wang', 'POST', `/v1/leads/${leadId}/acceptance`)).status).toBe(200);
    const conversion = { customer: { name: p.name }, deviceModel: 'OBS 推流主机', problem: '推流卡顿', urgency: 'normal' };
    expect((await call('wang', 'POST', `/v1/leads/${leadId}/conversion`, conversion)).body).toMatchObject({ status: 'converted' });
    return leadId;
  };
  const sealedFor = (subject: string) => expect.stringMatching(new RegExp(`^sealed:v2:${subject}:[A-Za-z0-9_-]+$`));
  const publishedOf = (leadId: string, type: string) =>
    waitFor(`${type} of ${leadId} on ${LEADS_TOPIC}`, async () => messages.find((m) => m.key === leadId && m.headers.ce_type === type));

  const flagsNow = () => everyItem('/v1/hoarding-flags', async (path) => (await call('lead', 'GET', path)).body);

  // what every lead-pool answer shows of a lead, for each role that reads it
  const everyAnswer = async (leadId: string) => {
    const answers: Array<[string, string, unknown]> = [];
    for (const who of ['lead', 'analyst', 'wang']) {
      for (const path of [`/v1/leads/${leadId}`, `/v1/leads/${leadId}/history`, '/v1/leads', '/v1/leads?status=converted', '/v1/leads?status=allocated', '/v1/hoarding-flags']) {
        const answer = await call(who, 'GET', path);
        if (answer.status !== 403) expect([who, path, answer.status]).toEqual([who, path, 200]);
        answers.push([who, path, answer.body]);
      }
    }
    return answers;
  };
  const expectNoClearValues = async (leadId: string, clear: string[]) => {
    for (const [who, path, body] of await everyAnswer(leadId)) {
      const text = JSON.stringify(body);
      for (const value of clear) expect([who, path, value, text.includes(value)]).toEqual([who, path, value, false]);
    }
    expect((await call('lead', 'GET', `/v1/leads/${leadId}`)).body).toMatchObject({ erased: true, customerHandle: ERASED });
  };

  // as intake publishes a ticket: the customer's values sealed with the customer's own key, in the keyring
  const ticketReceived = async (contact: { phone?: string; wechat?: string }, causationId?: string) => {
    const [ticketId, customerId, key, id] = [randomUUID(), randomUUID(), newDataKey(), randomUUID()];
    await runtime.dataSource.transaction((manager) => runtime.context.get(SubjectKeys).createAll(manager, [{ subjectId: customerId, key, at: new Date() }]));
    const now = new Date();
    const clear = { ticketId, customerId, customer: { name: '客户', ...contact }, channel: 'wechat', deviceModel: 'OBS 推流主机', problem: '推流卡顿', urgency: 'normal' };
    const data = sealAt(
      { ...clear, requestedAt: now.toISOString(), receivedAt: now.toISOString() },
      eventCatalogue.definition('support.ticket.received.v1').personalData!,
      key,
      customerId,
    );
    await publishEvents([{ id, type: 'support.ticket.received.v1', data, occurredAt: now, streamId: ticketId, source: 'intake', causationId, correlationId: causationId }]);
    return { ticketId, customerId, sealedPhone: (data as { customer: { phone?: string } }).customer.phone };
  };

  it("stores and publishes a captured and converted lead's personal values sealed with the lead's key, and keeps no clear contact in the leads table", async () => {
    const p = prospect();
    const leadId = await converted(p);

    const stored: Array<{ type: string; data: { customerHandle?: string; contact?: object; customer?: object } }> = await sql(
      `SELECT type, data FROM lead_pool.events WHERE stream_id = $1 ORDER BY version`,
      [leadId],
    );
    expect(stored.map((e) => e.type)).toEqual(['support.lead.captured.v1', 'support.lead.allocated.v1', 'support.lead.accepted.v1', 'support.lead.converted.v1']);
    expect(stored[0].data).toMatchObject({ customerHandle: sealedFor(leadId), contact: { phone: sealedFor(leadId), wechat: sealedFor(leadId) } });
    expect(stored[3].data.customer).toEqual({ name: sealedFor(leadId), phone: sealedFor(leadId), wechat: sealedFor(leadId) });

    const onTopic = [await publishedOf(leadId, 'support.lead.captured.v1'), await publishedOf(leadId, 'support.lead.converted.v1')].map((m) => JSON.parse(m.value!.toString()));
    expect(onTopic[0]).toMatchObject({ customerHandle: sealedFor(leadId), contact: { phone: sealedFor(leadId), wechat: sealedFor(leadId) } });
    expect(onTopic[1].customer).toEqual({ name: sealedFor(leadId), phone: sealedFor(leadId), wechat: sealedFor(leadId) });

    const copies = [
      ...stored.map((e) => JSON.stringify(e.data)),
      ...onTopic.map((value) => JSON.stringify(value)),
      ...(await sql(`SELECT row_to_json(l)::text AS row FROM lead_pool.leads l WHERE lead_id = $1`, [leadId])).map((r: { row: string }) => r.row),
      ...(await sql(`SELECT payload::text AS payload FROM lead_pool.outbox`)).map((r: { payload: string }) => r.payload),
    ];
    expect(copies.length).toBeGreaterThan(6);
    for (const value of clearValuesOf(p)) expect([value, copies.some((copy) => copy.includes(value))]).toEqual([value, false]);
    const [row] = await sql(`SELECT phone_index, wechat_index FROM lead_pool.leads WHERE lead_id = $1`, [leadId]);
    expect([row.phone_index, row.wechat_index].map((digest: Buffer) => digest.length)).toEqual([32, 32]);

    // opened for a reader who may see it, masked for an analyst
    expect((await call('lead', 'GET', `/v1/leads/${leadId}`)).body).toMatchObject({ customerHandle: p.handle, contact: p.contact, ticketCause: { customer: { name: p.name } } });
    expect((await call('analyst', 'GET', `/v1/leads/${leadId}`)).body).toMatchObject({ customerHandle: '****', contact: { wechat: 'wx****' + p.contact.wechat.slice(-2) } });
  });

  it('merges a capture of the same contact, and flags hoarding when a ticket (sealed by intake) comes for a held lead', async () => {
    const p = prospect();
    const leadId = await captured(p);
    const again = await call('senior', 'POST', '/v1/leads', { platform: 'xiaohongshu', account: '@li', customerHandle: 'x', contact: { phone: p.contact.phone } });
    expect(again.body).toMatchObject({ id: leadId, merged: true });

    const other = await ticketReceived({ phone: `${p.contact.phone}0` });
    const { ticketId, sealedPhone } = await ticketReceived({ phone: p.contact.phone });
    expect(sealedPhone).not.toContain(p.contact.phone.slice(-4));
    const flag = await waitFor('the hoarding flag', async () => (await flagsNow()).find((f: { ticketId: string }) => f.ticketId === ticketId));
    expect(flag).toEqual({ leadId, ticketId, memberId: wang, leadStatus: 'allocated' });
    const flags = await flagsNow();
    expect(flags.filter((f: { ticketId: string }) => f.ticketId === other.ticketId)).toEqual([]);
  });

  it('indexes at start-up the contacts of leads stored before the index, from their state', async () => {
    const p = prospect();
    const leadId = await captured(p);
    // as the contact migration leaves a lead stored before it: its contact in the state, no digests yet
    await sql(`UPDATE lead_pool.leads SET phone_index = NULL, wechat_index = NULL, contact_indexed = false, state = jsonb_set(state, '{contact}', $2::jsonb) WHERE lead_id = $1`, [
      leadId,
      JSON.stringify(p.contact),
    ]);
    expect((await call('senior', 'POST', '/v1/leads', { platform: 'x', account: '@li', customerHandle: 'x', contact: { wechat: p.contact.wechat } })).body.merged).toBe(false);
    expect(await runtime.context.get(LeadPersonalData).indexStoredContacts(runtime.dataSource)).toBe(1);
    expect((await call('senior', 'POST', '/v1/leads', { platform: 'x', account: '@li', customerHandle: 'x', contact: { phone: p.contact.phone } })).body).toMatchObject({
      id: leadId,
      merged: true,
    });
    expect(await sql(`SELECT count(*)::int AS n FROM lead_pool.leads WHERE NOT contact_indexed`)).toEqual([{ n: 0 }]);
  });

  it("erases a lead on a lead's request: every answer shows [erased] for every role, the key is gone, and the stream still verifies", async () => {
    const p = prospect();
    const leadId = await converted(p);
    const hashesBefore = (await call('lead', 'GET', `/v1/leads/${leadId}/history`)).body.map((e: { hash: string }) => e.hash);

    for (const who of ['wang', 'senior', 'analyst']) expect([who, (await call(who, 'POST', `/v1/leads/${leadId}/erasure`, { reason: 'asked' })).status]).toEqual([who, 403]);
    for (const body of [{}, { reason: '' }, { reason: 'x'.repeat(2001) }, { reason: 42 }]) {
      const refused = await call('lead', 'POST', `/v1/leads/${leadId}/erasure`, body);
      expect([refused.status, refused.body.message]).toEqual([400, expect.arrayContaining([expect.stringMatching(/^reason/)])]);
    }
    expect((await call('lead', 'POST', `/v1/leads/${randomUUID()}/erasure`, { reason: 'asked' })).status).toBe(404);
    expect(await call('lead', 'POST', `/v1/leads/${leadId}/erasure`, { reason: 'the prospect asked to be forgotten' })).toEqual({
      status: 200,
      body: { id: leadId, erased: true, version: 5 },
    });
    expect((await call('lead', 'POST', `/v1/leads/${leadId}/erasure`, { reason: 'again' })).status).toBe(409);

    await expectNoClearValues(leadId, clearValuesOf(p));
    const history = (await call('lead', 'GET', `/v1/leads/${leadId}/history`)).body;
    expect(history.map((e: { hash: string }) => e.hash).slice(0, 4)).toEqual(hashesBefore);
    expect(history[3].data.customer).toEqual({ name: ERASED, phone: ERASED, wechat: ERASED });
    expect(history[4]).toMatchObject({ type: 'support.lead.erased.v1', actor: { role: 'lead' }, data: { leadId, reason: 'the prospect asked to be forgotten' } });
    expect(await runtime.aggregates.pipeline.store.verifyStream(runtime.dataSource, leadId)).toEqual({ valid: true, length: 5 });
    expect(await sql(`SELECT wrapped_key, destroyed_at IS NOT NULL AS destroyed FROM keyring.subject_keys WHERE subject_id = $1`, [leadId])).toEqual([
      { wrapped_key: null, destroyed: true },
    ]);
    expect(await sql(`SELECT phone_index, wechat_index FROM lead_pool.leads WHERE lead_id = $1`, [leadId])).toEqual([{ phone_index: null, wechat_index: null }]);
    expect((await publishedOf(leadId, 'support.lead.erased.v1')).headers).toMatchObject({ ce_actorrole: 'lead' });
  });

  it('erases the leads of an erased customer: the one converted into their ticket and the one flagged for it, recorded as caused by the erasure', async () => {
    const p = prospect();
    const convertedLead = await converted(p);
    const [convertedEvent] = await sql(`SELECT event_id AS id FROM lead_pool.events WHERE stream_id = $1 AND type = 'support.lead.converted.v1'`, [convertedLead]);
    // intake opens the ticket caused by the conversion; another prospect of the customer's, held, is flagged for a later ticket
    const fromConversion = await ticketReceived(p.contact, convertedEvent.id);
    const q = prospect();
    const heldLead = await captured(q);
    const later = await ticketReceived({ phone: q.contact.phone });
    await waitFor('the conversion linked and the flag', async () => {
      const [linked] = await sql(`SELECT ticket_id FROM lead_pool.leads WHERE lead_id = $1`, [convertedLead]);
      const flags = await flagsNow();
      return linked.ticket_id === fromConversion.ticketId && flags.some((f: { leadId: string }) => f.leadId === heldLead);
    });
    const untouched = await captured(prospect());

    const [erasure] = await publishEvents([
      {
        type: 'support.customer.erased.v1',
        source: 'intake',
        streamId: fromConversion.customerId,
        actor: { id: 'lead-1', role: 'lead' },
        data: { customerId: fromConversion.customerId, reason: 'the customer asked to be forgotten', ticketIds: [fromConversion.ticketId, later.ticketId] },
      },
    ]);
    await waitFor(
      'both leads erased',
      async () => (await sql(`SELECT count(*)::int AS n FROM lead_pool.leads WHERE lead_id = ANY($1) AND state->>'erased' = 'true'`, [[convertedLead, heldLead]]))[0].n === 2,
    );

    for (const [leadId, clear] of [
      [convertedLead, clearValuesOf(p)],
      [heldLead, clearValuesOf(q)],
    ] as const) {
      await expectNoClearValues(leadId, clear);
      const last = (await call('lead', 'GET', `/v1/leads/${leadId}/history`)).body.at(-1);
      expect(last).toMatchObject({
        type: 'support.lead.erased.v1',
        actor: { id: 'lead-pool', role: 'service' },
        causationId: erasure,
        data: { leadId, reason: 'the customer asked to be forgotten', customerId: fromConversion.customerId },
      });
      expect(await runtime.aggregates.pipeline.store.verifyStream(runtime.dataSource, leadId)).toMatchObject({ valid: true });
      expect(await sql(`SELECT wrapped_key FROM keyring.subject_keys WHERE subject_id = $1`, [leadId])).toEqual([{ wrapped_key: null }]);
    }
    expect((await call('lead', 'GET', `/v1/leads/${untouched}`)).body.erased).toBeUndefined();
    // an erased lead is handed to nobody, and found by no contact: the same contact again is a new lead
    const again = await call('wang', 'POST', '/v1/leads', { platform: 'douyin', account: '@wang', customerHandle: q.handle, contact: q.contact });
    expect(again.body).toMatchObject({ merged: false });
    expect(again.body.id).not.toBe(heldLead);
  });
});
