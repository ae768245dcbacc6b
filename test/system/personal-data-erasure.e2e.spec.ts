import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { systemClock } from '@support/contracts';
import { EventStore } from '@support/event-store';
import { scanTopicFromStart, withTopicAdmin } from '@support/messaging';
import { testInfra, testMessagingClient } from '@support/test-kit';
import { answer, clientsOf } from './support/api-clients';
import { jsonRequest, RunningSystem, startSystem, waitFor } from './support/system-harness';

const ERASED = '[erased]';

/** a PNG's signature and header, then bytes of this run's own, so its base64 is found nowhere else */
const signatureImage = () =>
  Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('0000000d49484452000000010000000108060000001f15c489', 'hex'), randomBytes(48)]);

// Every service over real HTTP, Kafka and PostgreSQL: a customer who came in as a lead, got a ticket, an
// on-site visit and a signed sheet, is erased. Afterwards no topic read from offset 0 (dead-letter topics
// included), no table of any service, and no read answer of any service, as lead or as analyst, holds one
// of their clear personal values; and every hash chain still verifies.
describe('erasing a customer reaches everything', () => {
  let system: RunningSystem;
  let lead: string;
  let analyst: string;
  let desk: string;
  let agent: string;
  const agentId = `m-erasure-${randomUUID().slice(0, 6)}`;

  beforeAll(async () => {
    system = await startSystem({ fieldService: true, knowledgeBase: true, leadPool: true, dashboard: true, slaClock: systemClock });
    lead = await system.token({ role: 'lead', id: 'm-lead' });
    analyst = await system.token({ role: 'analyst', id: 'ops-1' });
    desk = await system.token({ role: 'intake', id: 'cs-desk' });
    agent = await system.token({ role: 'agent', id: agentId });
    await answer(
      clientsOf(system, lead).routing.POST('/v1/members', {
        body: { memberId: agentId, role: 'agent', name: agentId, tier: 'L1', capacity: 50, skills: [], scenarios: [], onDuty: true },
      }),
      201,
    );
    await waitFor('the pool to know the roster', async () =>
      (await system.leads!.runtime.repository.members(system.leads!.runtime.dataSource)).some((m) => m.memberId === agentId && m.onDuty),
    );
    await answer(clientsOf(system, lead).leads!.PUT('/v1/ratios', { body: { ratios: [{ memberId: agentId, weight: 1 }], acceptMinutes: 60 } }));
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
  });

  const call = async (base: string, path: string, token: string, method = 'GET', body?: unknown) => {
    const response = await jsonRequest(`${base}${path}`, token, method, body);
    const text = await response.text();
    return { status: response.status, text, body: text ? JSON.parse(text) : undefined };
  };

  it('leaves no clear value of theirs on any topic, in any table or in any answer, and every chain verifies', async () => {
    const suffix = randomUUID().slice(0, 8);
    const person = {
      handle: `欧阳${suffix}`,
      phone: `+86 139 ${String(Date.now()).slice(-8)}`,
      wechat: `wx_oy_${suffix}`,
      address: `杭州市西湖区文三路 ${suffix} 号`,
      signer: `欧阳签字${suffix}`,
      sheetName: `欧阳先生${suffix}`,
      sheetContact: `oy-contact-${suffix}`,
    };
    const image = signatureImage().toString('base64');
    // the image's own bytes, as they read in base64 (the first bytes are every PNG's)
    const clearValues = [...Object.values(person), image.slice(-40)];

    // a lead captured and converted: intake opens a ticket for a new customer
    const [asLead, asAgent, asDesk] = [clientsOf(system, lead), clientsOf(system, agent), clientsOf(system, desk)];
    const path = (id: string) => ({ params: { path: { id } } });
    const captured = await answer(
      asLead.leads!.POST('/v1/leads', { body: { platform: 'douyin', account: '@studio', customerHandle: person.handle, contact: { phone: person.phone }, memberId: agentId } }),
      201,
    );
    const leadId = captured.id;
    expect(await answer(asAgent.leads!.POST('/v1/leads/{id}/acceptance', path(leadId)))).toMatchObject({ status: 'accepted' });
    const converted = await answer(
      asAgent.leads!.POST('/v1/leads/{id}/conversion', { ...path(leadId), body: { deviceModel: 'ATEM Mini Pro', problem: `导播台无输出 ${suffix}`, urgency: 'normal' } }),
    );
    expect(converted).toMatchObject({ status: 'converted' });
    const first = await waitFor('the ticket of the converted lead', async () => (await answer(asLead.leads!.GET('/v1/leads/{id}', path(leadId)))).ticketId);
    const ticket = await answer(asLead.intake.GET('/v1/tickets/{id}', path(first)));
    const customerId = ticket.customerId;
    expect(ticket.customer).toEqual({ name: person.handle, phone: person.phone });
    // the same customer calls again, on WeChat too
    const again = await answer(
      asDesk.intake.POST('/v1/tickets', {
        body: {
          channel: 'phone',
          customer: { name: person.handle, phone: person.phone, wechat: person.wechat },
          deviceModel: 'ATEM Mini Pro',
          problem: `推流卡顿 ${suffix}`,
          urgency: 'normal',
        },
      }),
      201,
    );
    const second = again.id;
    expect((await answer(asLead.intake.GET('/v1/tickets/{id}', path(second)))).customerId).toBe(customerId);

    // an on-site visit with an address and a signature, and a sheet naming the customer
    await waitFor('field-service to know the ticket', async () => (await system.field!.runtime.tickets.find(system.field!.runtime.dataSource, first)) !== null);
    const visit = await answer(asLead.field!.POST('/v1/visits', { body: { ticketId: first, reason: '需上门' } }), 201);
    const atVisit = path(visit.id);
    const start = new Date(Date.now() + 3 * 3_600_000);
    const window = { start: start.toISOString(), end: new Date(start.getTime() + 7_200_000).toISOString() };
    await answer(asLead.field!.POST('/v1/visits/{id}/schedule', { ...atVisit, body: { technician: { id: agentId, role: 'agent' }, window, address: person.address } }));
    const checklist = { tools: ['螺丝刀'], spareParts: [], addressConfirmed: true, deviceStateConfirmed: true, deviceState: '无输出' };
    await answer(asAgent.field!.POST('/v1/visits/{id}/preparation', { ...atVisit, body: { checklist } }));
    await answer(asAgent.field!.POST('/v1/visits/{id}/check-in', { ...atVisit, body: {} }));
    await answer(asAgent.field!.POST('/v1/visits/{id}/completion', { ...atVisit, body: { workDone: '更换模块', customerTested: true, usageNotes: '先断电' } }));
    await answer(asAgent.field!.POST('/v1/visits/{id}/signature', { ...atVisit, body: { signerName: person.signer, mediaType: 'image/png', imageBase64: image } }));
    const contents = {
      customer: { name: person.sheetName, contact: person.sheetContact },
      device: 'ATEM Mini Pro',
      problem: '无输出',
      diagnosis: 'HDMI 模块损坏',
      workDone: '更换模块',
      partsUsed: [],
      timeSpentMinutes: 60,
      result: 'fixed' as const,
    };
    const sheet = await answer(asAgent.field!.POST('/v1/sheets', { body: { ticketId: first, visitId: visit.id, kind: 'on-site', contents } }), 201);
    await answer(asAgent.field!.POST('/v1/sheets/{id}/submission', path(sheet.id)));

    // what each service answers about them, as a lead and as an analyst
    const reads: Array<[string, string]> = [
      [system.intake.url, `/v1/tickets/${first}`],
      [system.intake.url, `/v1/tickets/${second}`],
      [system.intake.url, `/v1/tickets/${first}/history`],
      [system.intake.url, `/v1/tickets/${second}/history`],
      [system.intake.url, `/v1/tickets?customerId=${customerId}`],
      [system.intake.url, `/v1/customers/${customerId}/tickets`],
      [system.field!.url, `/v1/visits/${visit.id}`],
      [system.field!.url, `/v1/visits/${visit.id}/history`],
      [system.field!.url, `/v1/sheets/${sheet.id}`],
      [system.field!.url, `/v1/sheets/${sheet.id}/history`],
      [system.field!.url, `/v1/visits?ticketId=${first}`],
      [system.field!.url, `/v1/sheets?ticketId=${first}`],
      [system.leads!.url, `/v1/leads/${leadId}`],
      [system.leads!.url, `/v1/leads/${leadId}/history`],
      [system.leads!.url, `/v1/leads`],
      [system.dashboard!.url, `/v1/customers/${customerId}/timeline`],
      [system.dashboard!.url, `/v1/queue`],
      [system.knowledge!.url, `/v1/cases?ticketId=${first}`],
    ];
    // before: the lead reads them clear where they are kept, so the sweep below can fail
    await waitFor("the dashboard to keep the customer's timeline", async () =>
      (await call(system.dashboard!.url, `/v1/customers/${customerId}/timeline`, lead)).text.includes(person.handle),
    );
    expect((await call(system.field!.url, `/v1/visits/${visit.id}`, lead)).text).toContain(person.address);
    expect((await call(system.leads!.url, `/v1/leads/${leadId}`, lead)).text).toContain(person.phone);

    await answer(asLead.intake.POST('/v1/customers/{id}/erasure', { ...path(customerId), body: { reason: 'the customer asked to be forgotten' } }));
    // the lead pool destroys the key of the lead that became this customer
    await waitFor('the lead pool to erase the converted lead', async () => (await call(system.leads!.url, `/v1/leads/${leadId}`, lead)).text.includes(ERASED));

    // 1. every answer of every service, as lead and as analyst
    for (const token of [lead, analyst]) {
      for (const [base, path] of reads) {
        const read = await call(base, path, token);
        expect([path, read.status]).toEqual([path, 200]);
        for (const value of clearValues) expect([path, value, read.text.includes(value)]).toEqual([path, value, false]);
      }
    }
    expect((await answer(asLead.intake.GET('/v1/tickets/{id}', path(first)))).customer).toEqual({ name: ERASED, phone: ERASED });

    // 2. every table of every service (and the keyring)
    const schemas = [system.intake, system.routing, system.sla!, system.field!, system.knowledge!, system.leads!, system.dashboard!].map((s) => s.schema);
    // as the database's owner: every service's tables, which no one runtime role may all read
    const db = new Client({ connectionString: testInfra().databaseUrl });
    await db.connect();
    const query = async <T>(text: string, params: unknown[]): Promise<T[]> => (await db.query(text, params)).rows as T[];
    const tables = await query<{ schema: string; name: string }>(
      `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables WHERE table_schema = ANY($1) AND table_type = 'BASE TABLE'`,
      [[...schemas, 'keyring']],
    );
    expect(tables.length).toBeGreaterThan(30);
    let rowsAboutThem = 0;
    for (const { schema, name } of tables) {
      const [{ about }] = await query<{ about: number }>(`SELECT count(*)::int AS about FROM "${schema}"."${name}" t WHERE strpos(t::text, $1) > 0 OR strpos(t::text, $2) > 0`, [
        customerId,
        leadId,
      ]);
      rowsAboutThem += about;
      const [{ found }] = await query<{ found: number }>(
        `SELECT count(*)::int AS found FROM "${schema}"."${name}" t WHERE ${clearValues.map((_, i) => `strpos(t::text, $${i + 1}) > 0`).join(' OR ')}`,
        clearValues,
      );
      expect([`${schema}.${name}`, found]).toEqual([`${schema}.${name}`, 0]);
    }
    await db.end();
    expect(rowsAboutThem).toBeGreaterThan(10);

    // 3. every topic from offset 0, dead-letter topics included
    const client = testMessagingClient('erasure-sweep');
    const topics = (await withTopicAdmin(client, (admin) => admin.topics())).filter((topic) => !topic.startsWith('__'));
    expect(topics).toEqual(expect.arrayContaining(['support.tickets.v1', 'support.customers.v1', 'support.leads.v1', 'support.visits.v1', 'support.sheets.v1']));
    // bytes, not text: a topic may hold many messages (benchmarks'), and a value's UTF-8 is found as it is
    const needles = clearValues.map((value) => [value, Buffer.from(value, 'utf8')] as const);
    const about = [customerId, leadId].map((id) => Buffer.from(id, 'utf8'));
    let aboutThem = 0;
    const leaks: string[] = [];
    for (const topic of topics) {
      await scanTopicFromStart(
        client,
        topic,
        (message) => {
          const bytes = Buffer.concat([Buffer.from(JSON.stringify({ key: message.key, headers: message.headers }), 'utf8'), message.value ?? Buffer.alloc(0)]);
          if (about.some((id) => bytes.includes(id))) aboutThem += 1;
          for (const [value, needle] of needles) if (bytes.includes(needle)) leaks.push(`${topic} ${message.partition}:${message.offset} holds ${value}`);
        },
        { timeoutMs: 300_000 },
      );
    }
    expect(leaks).toEqual([]);
    // the sweep read their messages (a lead's, its tickets', a visit's, a sheet's...): it could have found the values
    expect(aboutThem).toBeGreaterThan(10);

    // 4. nothing recorded changed: every stream of theirs still verifies
    for (const id of [first, second]) expect(await answer(asLead.intake.GET('/v1/tickets/{id}/history/verify', path(id)))).toMatchObject({ valid: true });
    expect(await answer(asLead.field!.GET('/v1/visits/{id}/history/verify', atVisit))).toMatchObject({ valid: true });
    expect(await system.field!.runtime.store.verifyStream(system.field!.runtime.dataSource, sheet.id)).toMatchObject({ valid: true });
    expect(await system.leads!.runtime.context.get(EventStore).verifyStream(system.leads!.runtime.dataSource, leadId)).toMatchObject({ valid: true });
  }, 600_000);
});
