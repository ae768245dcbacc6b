import { createHash, randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { ERASED, eventCatalogue, SHEETS_TOPIC, valueAt, VISITS_TOPIC } from '@support/contracts';
import { followTopic, TopicMessage } from '@support/messaging';
import { newDataKey, sealValue } from '@support/personal-data';
import { serveOnFreePort, signTestTokens } from '@support/service-kit';
import {
  dropTestSchema,
  jsonRequest,
  publishEvents,
  serviceDatabase,
  tamperAsOwner,
  testInfra,
  testMessagingClient,
  uniqueSchemaName,
  waitFor,
  serviceKafka,
} from '@support/test-kit';
import { fieldService } from '../src/field-service.app';
import { FieldServiceRuntime, startFieldServiceRuntime } from '../src/field-service.providers';

const SECRET = 'field-service-e2e-secret-that-is-long-enough-0123456789';
// the smallest valid PNG: the 8-byte signature and an IHDR chunk are all the check looks at
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('0000000d49484452000000010000000108060000001f15c489', 'hex')]);
const HOUR = 3_600_000;

// field-service alone over real HTTP, PostgreSQL and Kafka; intake's ticket events are published to Kafka as intake would
describe('field-service', () => {
  const infra = testInfra();
  const schema = uniqueSchemaName('field');
  let runtime: FieldServiceRuntime;
  let app: INestApplication;
  let url: string;
  let tokens: Record<string, string> = {};

  beforeAll(async () => {
    runtime = await startFieldServiceRuntime({ ...serviceDatabase('field-service'), ...serviceKafka('field-service'), schema, consumeFromBeginning: false }, () => undefined);
    ({ app, url } = await serveOnFreePort(fieldService, runtime, { ...infra, jwtSecret: SECRET }));
    tokens = await signTestTokens(SECRET, {
      lead: { id: 'm-lead', role: 'lead' },
      senior: { id: 'm-senior', role: 'senior' },
      agent: { id: 'm-agent', role: 'agent' },
      zhou: { id: 'c-zhou', role: 'contractor' },
      li: { id: 'c-li', role: 'contractor' },
      analyst: { id: 'ops', role: 'analyst' },
    });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await dropTestSchema(schema);
  });

  const call = async (who: string, method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
    const response = await jsonRequest(`${url}${path}`, tokens[who], method, body, headers);
    return { status: response.status, body: await response.json(), headers: response.headers };
  };

  /** the customer's values as intake publishes them: sealed with their data key (made here, as intake makes it) */
  async function sealedForCustomer(customerId: string, values: Record<string, string>): Promise<Record<string, string>> {
    const key = newDataKey();
    await runtime.dataSource.transaction((manager) => runtime.keys.createAll(manager, [{ subjectId: customerId, key, at: new Date() }]));
    return Object.fromEntries(Object.entries(values).map(([field, value]) => [field, sealValue(key, value, customerId)]));
  }

  /** a ticket as intake publishes it, worked by an agent or dispatched to a contractor; resolves once field-service knows it */
  async function aTicket(assignee: { id: string; role: 'agent' | 'contractor' } = { id: 'm-agent', role: 'agent' }, customerId: string = randomUUID()): Promise<string> {
    const ticketId = randomUUID();
    const now = new Date().toISOString();
    const customer = await sealedForCustomer(customerId, { name: '王女士', phone: '+86 138 0013 8000' });
    await publishEvents([
      {
        type: 'support.ticket.received.v1',
        source: 'intake',
        streamId: ticketId,
        data: {
          ticketId,
          customerId,
          customer,
          channel: 'phone',
          deviceModel: 'Canon EOS R5',
          problem: '无法开机',
          urgency: 'normal',
          requestedAt: now,
          receivedAt: now,
        },
      },
      assignee.role === 'agent'
        ? { type: 'support.ticket.assigned.v1', source: 'intake', streamId: ticketId, data: { ticketId, assignee, tier: 'L1' } }
        : { type: 'support.ticket.dispatched-to-contractor.v1', source: 'intake', streamId: ticketId, data: { ticketId, assignee, scenario: 'camera-firmware' } },
    ]);
    await waitFor('field-service to know the ticket and its assignee', async () => (await runtime.tickets.find(runtime.dataSource, ticketId))?.assigneeId === assignee.id);
    return ticketId;
  }

  const windowFromNow = (hours: number) => ({ start: new Date(Date.now() + hours * HOUR).toISOString(), end: new Date(Date.now() + (hours + 2) * HOUR).toISOString() });
  const checklist = { tools: ['螺丝刀', '万用表'], spareParts: ['电源适配器'], addressConfirmed: true, deviceStateConfirmed: true, deviceState: '无法开机' };
  const contents = {
    customer: { name: '王女士', contact: '+86 138 0013 8000' },
    device: 'Canon EOS R5',
    problem: '无法开机',
    diagnosis: '电池触点氧化',
    workDone: '清洁触点，更换电池仓',
    partsUsed: [{ name: '电池仓', quantity: 1 }],
    timeSpentMinutes: 50,
    result: 'fixed',
  };

  async function aScheduledVisit(who = 'agent', ticketId?: string, technician = { id: 'm-agent', role: 'agent' }): Promise<{ ticketId: string; visitId: string }> {
    const ticket = ticketId ?? (await aTicket());
    const requested = await call(who, 'POST', '/v1/visits', { ticketId: ticket, reason: '远程无法解决' });
    expect(requested.status).toBe(201);
    const scheduled = await call('agent', 'POST', `/v1/visits/${requested.body.id}/schedule`, { technician, window: windowFromNow(3), address: '上海市徐汇区漕溪北路 1 号' });
    expect(scheduled.body).toMatchObject({ status: 'scheduled', version: 2 });
    return { ticketId: ticket, visitId: requested.body.id };
  }

  async function aCompletedVisit(who = 'agent', ticketId?: string, technician = { id: 'm-agent', role: 'agent' }) {
    const visit = await aScheduledVisit('agent', ticketId, technician);
    for (const [path, body] of [
      ['preparation', { checklist }],
      ['check-in', { location: { latitude: 31.19, longitude: 121.43 } }],
      ['work-log', { entry: '确认故障：电池触点氧化' }],
      ['completion', { workDone: '清洁触点，更换电池仓', customerTested: true, usageNotes: '避免潮湿环境' }],
    ] as const) {
      const step = await call(who, 'POST', `/v1/visits/${visit.visitId}/${path}`, body);
      expect([path, step.status]).toEqual([path, 200]);
    }
    return visit;
  }

  const sign = (who: string, visitId: string, image = PNG, mediaType = 'image/png') =>
    call(who, 'POST', `/v1/visits/${visitId}/signature`, { signerName: '王女士', mediaType, imageBase64: image.toString('base64') });

  it('runs a visit from request to signature and a sheet from draft to archive, and verifies the signed history', async () => {
    const { visitId, ticketId } = await aCompletedVisit();
    const signed = await sign('agent', visitId);
    expect(signed.body).toEqual({ id: visitId, status: 'signed', version: 7 });

    const drafted = await call('agent', 'POST', '/v1/sheets', { ticketId, visitId, kind: 'on-site', contents });
    expect(drafted.status).toBe(201);
    const sheetId = drafted.body.id;
    expect((await call('agent', 'POST', `/v1/sheets/${sheetId}/submission`)).body).toMatchObject({ status: 'submitted' });
    expect((await call('lead', 'POST', `/v1/sheets/${sheetId}/approval`, { note: '记录完整' })).body).toMatchObject({ status: 'approved' });
    expect((await call('lead', 'POST', `/v1/sheets/${sheetId}/archive`)).body).toMatchObject({ status: 'archived', version: 4 });

    const sheet = await call('lead', 'GET', `/v1/sheets/${sheetId}`);
    expect(sheet.body.customerSignature).toMatchObject({ signerName: '王女士', sha256: createHash('sha256').update(PNG).digest('hex') });
    const history = await call('lead', 'GET', `/v1/visits/${visitId}/history`);
    expect(history.body.map((h: { type: string }) => h.type.replace('support.visit.', ''))).toEqual([
      'requested.v1',
      'scheduled.v1',
      'prepared.v1',
      'checked-in.v1',
      'work-logged.v1',
      'completed.v1',
      'signed.v1',
    ]);
    expect(history.body[0].actor).toEqual({ id: 'm-agent', role: 'agent' });
    expect((await call('lead', 'GET', `/v1/visits/${visitId}/history/verify`)).body).toEqual({ valid: true, length: 7, signatures: [{ seq: 7, valid: true }] });
  });

  it('detects signature bytes altered after the fact', async () => {
    const { visitId } = await aCompletedVisit();
    await sign('agent', visitId);
    const forged = Buffer.concat([PNG, Buffer.from('forged')]).toString('base64');
    const events = `"${schema}".events`;
    await tamperAsOwner(async (m) => {
      await m.query(`ALTER TABLE ${events} DISABLE TRIGGER events_append_only`);
      await m.query(`UPDATE ${events} SET data = jsonb_set(data, '{signature,imageBase64}', to_jsonb($2::text)) WHERE stream_id = $1 AND type = 'support.visit.signed.v1'`, [
        visitId,
        forged,
      ]);
      await m.query(`ALTER TABLE ${events} ENABLE TRIGGER events_append_only`);
    });
    expect((await call('lead', 'GET', `/v1/visits/${visitId}/history/verify`)).body).toEqual({ valid: false, brokenAt: 7, length: 7, signatures: [{ seq: 7, valid: false }] });
  });

  it('refuses illegal steps with 409: check-in before preparation, approving an unsigned on-site sheet, a contractor approving', async () => {
    const { visitId, ticketId } = await aScheduledVisit();
    const early = await call('agent', 'POST', `/v1/visits/${visitId}/check-in`, {});
    expect(early.status).toBe(409);
    expect(early.body.message).toMatch(/prepared/);

    const completed = await aCompletedVisit('agent', ticketId);
    const sheetId = (await call('agent', 'POST', '/v1/sheets', { ticketId, visitId: completed.visitId, kind: 'on-site', contents })).body.id;
    await call('agent', 'POST', `/v1/sheets/${sheetId}/submission`);
    const unsigned = await call('lead', 'POST', `/v1/sheets/${sheetId}/approval`, {});
    expect(unsigned.status).toBe(409);
    expect(unsigned.body.message).toMatch(/signature/);

    const dispatched = await aTicket({ id: 'c-zhou', role: 'contractor' });
    const remote = (await call('zhou', 'POST', '/v1/sheets', { ticketId: dispatched, kind: 'remote', contents })).body.id;
    expect((await call('zhou', 'POST', `/v1/sheets/${remote}/submission`)).status).toBe(200);
    const byContractor = await call('zhou', 'POST', `/v1/sheets/${remote}/approval`, {});
    expect(byContractor.status).toBe(409);
    expect(byContractor.body.message).toMatch(/contractor/);
    expect((await call('lead', 'GET', `/v1/sheets/${remote}`)).body.status).toBe('submitted');
  });

  it('answers bad input with 400 naming the field: checklist, signature image, time window', async () => {
    const { visitId } = await aScheduledVisit();
    const noTools = await call('agent', 'POST', `/v1/visits/${visitId}/preparation`, { checklist: { ...checklist, tools: [], addressConfirmed: false } });
    expect(noTools.status).toBe(400);
    expect(noTools.body.message).toEqual(expect.arrayContaining([expect.stringMatching(/^checklist\.tools/), expect.stringMatching(/^checklist\.addressConfirmed/)]));
    const noChecklist = await call('agent', 'POST', `/v1/visits/${visitId}/preparation`, {});
    expect(noChecklist.status).toBe(400);
    expect(noChecklist.body.message.join(' ')).toMatch(/checklist/);

    const past = await call('agent', 'POST', `/v1/visits/${visitId}/reschedule`, { window: windowFromNow(-2), reason: '改期' });
    expect(past.status).toBe(400);
    expect(past.body.message.join(' ')).toMatch(/window\.start/);

    const done = await aCompletedVisit();
    const notAnImage = await sign('agent', done.visitId, Buffer.from('%PDF-1.7 not an image'));
    expect(notAnImage.status).toBe(400);
    expect(notAnImage.body.message).toEqual(['imageBase64 must be a image/png image']);
    const oversized = await sign('agent', done.visitId, Buffer.concat([PNG, Buffer.alloc(300 * 1024)]));
    expect(oversized.status).toBe(400);
    expect(oversized.body.message[0]).toMatch(/^imageBase64 must be at most 262144 bytes/);
    // nothing of the refused steps was written
    expect((await call('agent', 'GET', `/v1/visits/${visitId}`)).body).toMatchObject({ status: 'scheduled', version: 2 });
    expect((await call('agent', 'GET', `/v1/visits/${done.visitId}`)).body).toMatchObject({ status: 'completed', version: 6 });
  });

  it('lets a contractor see and work only visits and sheets of tickets dispatched to them', async () => {
    const ticketId = await aTicket({ id: 'c-zhou', role: 'contractor' });
    const { visitId } = await aCompletedVisit('zhou', ticketId, { id: 'c-zhou', role: 'contractor' });
    expect((await call('zhou', 'GET', `/v1/visits/${visitId}`)).status).toBe(200);
    expect((await call('li', 'GET', `/v1/visits/${visitId}`)).status).toBe(404);
    expect((await sign('li', visitId)).status).toBe(404);
    expect((await call('li', 'POST', '/v1/visits', { ticketId, reason: 'x' })).status).toBe(404);
    expect((await call('li', 'GET', `/v1/visits?ticketId=${ticketId}`)).body.items).toEqual([]);
    expect((await call('zhou', 'GET', `/v1/visits?ticketId=${ticketId}`)).body.items.map((v: { visitId: string }) => v.visitId)).toEqual([visitId]);
    // a contractor may not book visits
    expect((await call('zhou', 'POST', `/v1/visits/${visitId}/reschedule`, { window: windowFromNow(5), reason: 'x' })).status).toBe(403);
  });

  it("shows a technician's day with checklists, and honours Idempotency-Key on requests", async () => {
    const ticketId = await aTicket();
    const key = `visit-${randomUUID()}`;
    const first = await call('agent', 'POST', '/v1/visits', { ticketId, reason: '上门' }, { 'idempotency-key': key });
    const again = await call('agent', 'POST', '/v1/visits', { ticketId, reason: '上门' }, { 'idempotency-key': key });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await call('agent', 'POST', '/v1/visits', { ticketId, reason: '另一个' }, { 'idempotency-key': key })).status).toBe(422);

    const technician = { id: `tech-${randomUUID().slice(0, 8)}`, role: 'agent' };
    const window = { start: '2031-03-02T01:30:00.000Z', end: '2031-03-02T03:00:00.000Z' }; // 09:30 in Shanghai
    await call('agent', 'POST', `/v1/visits/${first.body.id}/schedule`, { technician, window, address: '北京市朝阳区' });
    await call('agent', 'POST', `/v1/visits/${first.body.id}/preparation`, { checklist });
    const day = await call('agent', 'GET', `/v1/technicians/${technician.id}/day?date=2031-03-02`);
    expect(day.body).toMatchObject({ date: '2031-03-02', timeZone: 'Asia/Shanghai', from: '2031-03-01T16:00:00.000Z', to: '2031-03-02T16:00:00.000Z' });
    expect(day.body.visits).toHaveLength(1);
    expect(day.body.visits[0]).toMatchObject({ visitId: first.body.id, status: 'prepared', checklist: { tools: ['螺丝刀', '万用表'] } });
    expect((await call('agent', 'GET', `/v1/technicians/${technician.id}/day?date=2031-03-03`)).body.visits).toEqual([]);
    expect((await call('agent', 'GET', `/v1/technicians/${technician.id}/day?date=tomorrow`)).status).toBe(400);
  });

  /** every read of a ticket's visit and sheet (the technician's day included) as `who` gets it */
  async function everyRead(who: string, { ticketId, visitId, sheetId }: { ticketId: string; visitId: string; sheetId: string }) {
    const visit = (await call(who, 'GET', `/v1/visits/${visitId}`)).body;
    const day = visit.appointmentAt.slice(0, 10);
    return {
      visit,
      visits: (await call(who, 'GET', `/v1/visits?ticketId=${ticketId}`)).body.items,
      visitHistory: (await call(who, 'GET', `/v1/visits/${visitId}/history`)).body,
      // the technician's day holds other customers' visits too
      day: (await call(who, 'GET', `/v1/technicians/m-agent/day?date=${day}&timeZone=UTC`)).body.visits.filter((v: { visitId: string }) => v.visitId === visitId),
      sheet: (await call(who, 'GET', `/v1/sheets/${sheetId}`)).body,
      sheets: (await call(who, 'GET', `/v1/sheets?ticketId=${ticketId}`)).body.items,
      sheetHistory: (await call(who, 'GET', `/v1/sheets/${sheetId}/history`)).body,
    };
  }
  const dataOf = (history: Array<{ type: string; data: Record<string, unknown> }>, type: string) => history.find((entry) => entry.type === type)?.data;

  it("shows an analyst the customer's data masked on every read of visits and sheets, and a lead the clear values", async () => {
    const { visitId, ticketId } = await aCompletedVisit();
    await sign('agent', visitId);
    const sheetId = (await call('agent', 'POST', '/v1/sheets', { ticketId, visitId, kind: 'on-site', contents })).body.id;
    expect((await call('agent', 'POST', `/v1/sheets/${sheetId}/submission`)).body).toMatchObject({ status: 'submitted' });
    const reads = (who: string) => everyRead(who, { ticketId, visitId, sheetId });

    const analyst = await reads('analyst');
    expect(analyst.visit).toMatchObject({ address: '****', location: '****', signature: { signerName: '王*' } });
    expect(analyst.visits).toEqual([analyst.visit]);
    expect(analyst.day).toEqual([analyst.visit]);
    expect(dataOf(analyst.visitHistory, 'support.visit.scheduled.v1')).toMatchObject({ address: '****' });
    expect(dataOf(analyst.visitHistory, 'support.visit.signed.v1')?.signature).toMatchObject({ signerName: '王*', imageBase64: '****' });
    expect(analyst.sheet).toMatchObject({ contents: { customer: { name: '王*', contact: '****' }, device: 'Canon EOS R5' }, customerSignature: { signerName: '王*' } });
    expect(analyst.sheets).toEqual([analyst.sheet]);
    expect(dataOf(analyst.sheetHistory, 'support.sheet.submitted.v1')).toMatchObject({
      contents: { customer: { name: '王*', contact: '****' } },
      customerSignature: { signerName: '王*' },
    });
    // nothing clear anywhere in what the analyst got
    for (const clear of ['王女士', '漕溪北路', '0013 8000', 'latitude', PNG.toString('base64')]) expect([clear, JSON.stringify(analyst).includes(clear)]).toEqual([clear, false]);

    const lead = await reads('lead');
    expect(lead.visit).toMatchObject({ address: '上海市徐汇区漕溪北路 1 号', location: { latitude: 31.19, longitude: 121.43 }, signature: { signerName: '王女士' } });
    expect(dataOf(lead.visitHistory, 'support.visit.signed.v1')?.signature).toMatchObject({ signerName: '王女士', imageBase64: PNG.toString('base64') });
    expect(lead.sheet.contents.customer).toEqual(contents.customer);
    expect(dataOf(lead.sheetHistory, 'support.sheet.submitted.v1')).toMatchObject({ contents: { customer: contents.customer }, customerSignature: { signerName: '王女士' } });
  });

  // sealed at the source (AES-256-GCM, the key of the ticket's customer): the event table, the views and the topics hold ciphertext; erasing the customer (destroying the key) erases every copy
  describe("the customer's personal data", () => {
    const CLEAR = ['王女士', '漕溪北路', '0013 8000', '31.19', '121.43', PNG.toString('base64')];
    const sealedFor = (subject: string) => expect.stringMatching(new RegExp(`^sealed:v2:${subject}:[A-Za-z0-9_-]{38,}$`));
    const published: TopicMessage[] = [];
    const followers: Array<{ stop(): Promise<void> }> = [];

    beforeAll(async () => {
      for (const topic of [VISITS_TOPIC, SHEETS_TOPIC]) followers.push(await followTopic(testMessagingClient('field-test-reader'), topic, (message) => published.push(message)));
    }, 30_000);
    afterAll(() => Promise.all(followers.map((follower) => follower.stop())));

    /** every value the catalogue marks personal in these events, named by type and pointer */
    const personalValues = (events: Array<{ type: string; data: unknown }>) =>
      events.flatMap((event) =>
        (eventCatalogue.definition(event.type).personalData ?? []).flatMap((pointer) => {
          const value = valueAt(event.data, pointer);
          return value === undefined ? [] : [{ at: `${event.type} ${pointer}`, value }];
        }),
      );
    const storedEvents = (...streamIds: string[]): Promise<Array<{ type: string; data: unknown }>> =>
      runtime.dataSource.query(`SELECT type, data FROM "${schema}".events WHERE stream_id = ANY($1) ORDER BY array_position($1, stream_id), version`, [streamIds]);
    const eventsPublished = (...streamIds: string[]) =>
      published.filter((m) => streamIds.includes(m.key ?? '')).map((m) => ({ type: m.headers.ce_type, data: JSON.parse(m.value?.toString() ?? 'null') }));
    const expectNoClearValue = (where: string, found: unknown) => {
      const text = JSON.stringify(found);
      for (const clear of CLEAR) expect([where, clear, text.includes(clear)]).toEqual([where, clear, false]);
    };
    const PERSONAL_FIELDS = [
      'support.visit.scheduled.v1 /address',
      'support.visit.checked-in.v1 /location',
      'support.visit.signed.v1 /signature/signerName',
      'support.visit.signed.v1 /signature/imageBase64',
      'support.sheet.drafted.v1 /contents/customer/name',
      'support.sheet.drafted.v1 /contents/customer/contact',
      'support.sheet.submitted.v1 /contents/customer/name',
      'support.sheet.submitted.v1 /contents/customer/contact',
      'support.sheet.submitted.v1 /customerSignature/signerName',
    ];

    /** a customer's ticket with a signed visit and an on-site sheet submitted with the visit's signature */
    async function aSignedVisitAndSheet(customerId: string) {
      const { ticketId, visitId } = await aCompletedVisit('agent', await aTicket(undefined, customerId));
      expect((await sign('agent', visitId)).status).toBe(200);
      const sheetId = (await call('agent', 'POST', '/v1/sheets', { ticketId, visitId, kind: 'on-site', contents })).body.id;
      expect((await call('agent', 'POST', `/v1/sheets/${sheetId}/submission`)).body).toMatchObject({ status: 'submitted' });
      return { ticketId, visitId, sheetId };
    }

    it("stores and publishes a signed visit's and a submitted sheet's personal values sealed with the customer's key, and answers them clear to a lead and the technician, masked to an analyst", async () => {
      const customerId = randomUUID();
      const record = await aSignedVisitAndSheet(customerId);
      const { ticketId, visitId, sheetId } = record;

      const stored = personalValues(await storedEvents(visitId, sheetId));
      expect(stored.map((v) => v.at)).toEqual(PERSONAL_FIELDS);
      for (const { at, value } of stored) expect([at, value]).toEqual([at, sealedFor(customerId)]);
      expectNoClearValue('event table', await storedEvents(visitId, sheetId));

      await waitFor('the visit and sheet published', async () => eventsPublished(visitId, sheetId).length === 9);
      // visits and sheets are two topics: their messages arrive in no order across them
      const onKafka = [...personalValues(eventsPublished(visitId)), ...personalValues(eventsPublished(sheetId))];
      expect(onKafka.map((v) => v.at)).toEqual(PERSONAL_FIELDS);
      for (const { at, value } of onKafka) expect([at, value]).toEqual([at, sealedFor(customerId)]);
      expectNoClearValue('Kafka', eventsPublished(visitId, sheetId));

      // the views and the known ticket keep the values sealed too
      const views = await runtime.dataSource.query(`SELECT state FROM "${schema}".visits WHERE visit_id = $1 UNION ALL SELECT state FROM "${schema}".sheets WHERE sheet_id = $2`, [
        visitId,
        sheetId,
      ]);
      expect(views).toHaveLength(2);
      expect(views[0].state).toMatchObject({ address: sealedFor(customerId), location: sealedFor(customerId), signature: { signerName: sealedFor(customerId) } });
      expect(views[1].state).toMatchObject({
        contents: { customer: { name: sealedFor(customerId), contact: sealedFor(customerId) } },
        customerSignature: { signerName: sealedFor(customerId) },
      });
      expectNoClearValue('views', views);
      const ticket = await runtime.tickets.find(runtime.dataSource, ticketId);
      expect(ticket).toMatchObject({ customerId, customerName: sealedFor(customerId), customerContact: sealedFor(customerId) });
      expect(await runtime.opening.openValues(runtime.dataSource, [ticket?.customerName, ticket?.customerContact])).toEqual(['王女士', '+86 138 0013 8000']);

      for (const who of ['lead', 'agent']) {
        const seen = await everyRead(who, record);
        expect([who, seen.visit]).toMatchObject([
          who,
          { address: '上海市徐汇区漕溪北路 1 号', location: { latitude: 31.19, longitude: 121.43 }, signature: { signerName: '王女士' } },
        ]);
        expect(seen.visits).toEqual([seen.visit]);
        expect(seen.day).toEqual([seen.visit]);
        expect(dataOf(seen.visitHistory, 'support.visit.checked-in.v1')).toMatchObject({ location: { latitude: 31.19, longitude: 121.43 } });
        expect(dataOf(seen.visitHistory, 'support.visit.signed.v1')?.signature).toMatchObject({ signerName: '王女士', imageBase64: PNG.toString('base64') });
        expect(seen.sheet).toMatchObject({ contents: { customer: contents.customer }, customerSignature: { signerName: '王女士' } });
        expect(seen.sheets).toEqual([seen.sheet]);
        expect(dataOf(seen.sheetHistory, 'support.sheet.submitted.v1')).toMatchObject({ contents: { customer: contents.customer }, customerSignature: { signerName: '王女士' } });
        expect(JSON.stringify(seen)).not.toContain('sealed:');
      }
      const analyst = await everyRead('analyst', record);
      expect(analyst.visit).toMatchObject({ address: '****', location: '****', signature: { signerName: '王*' } });
      expect(analyst.sheet).toMatchObject({ contents: { customer: { name: '王*', contact: '****' } }, customerSignature: { signerName: '王*' } });
      expectNoClearValue('analyst', analyst);
      expect(JSON.stringify(analyst)).not.toContain('sealed:');
    });

    it("reads [erased] everywhere once the customer's key is destroyed, and every history still verifies", async () => {
      const customerId = randomUUID();
      const record = await aSignedVisitAndSheet(customerId);
      const { ticketId, visitId, sheetId } = record;
      expect((await call('lead', 'GET', `/v1/visits/${visitId}/history/verify`)).body).toEqual({ valid: true, length: 7, signatures: [{ seq: 7, valid: true }] });

      // as intake's erasure does (field-service destroys only keys it made under a ticket's own id)
      await runtime.dataSource.transaction((manager) => runtime.keys.destroy(manager, customerId, new Date()));

      for (const who of ['lead', 'agent', 'analyst']) {
        const seen = await everyRead(who, record);
        expectNoClearValue(who, seen);
        expect([who, JSON.stringify(seen).includes('sealed:')]).toEqual([who, false]);
        expect([who, seen.visit]).toMatchObject([who, { address: ERASED, location: ERASED, signature: { signerName: ERASED } }]);
        expect(seen.day).toEqual([seen.visit]);
        expect(dataOf(seen.visitHistory, 'support.visit.signed.v1')?.signature).toMatchObject({ signerName: ERASED, imageBase64: ERASED });
        expect(seen.sheet).toMatchObject({ contents: { customer: { name: ERASED, contact: ERASED } }, customerSignature: { signerName: ERASED } });
        expect(dataOf(seen.sheetHistory, 'support.sheet.drafted.v1')).toMatchObject({ contents: { customer: { name: ERASED, contact: ERASED } } });
      }
      const ticket = await runtime.tickets.find(runtime.dataSource, ticketId);
      expect(await runtime.opening.openValues(runtime.dataSource, [ticket?.customerName, ticket?.customerContact])).toEqual([ERASED, ERASED]);

      // nothing recorded changed: both chains verify; the erased image can no longer be hashed again
      expect((await call('lead', 'GET', `/v1/visits/${visitId}/history/verify`)).body).toEqual({ valid: true, length: 7, signatures: [{ seq: 7, valid: true, erased: true }] });
      expect(await runtime.store.verifyStream(runtime.dataSource, visitId)).toEqual({ valid: true, length: 7 });
      expect(await runtime.store.verifyStream(runtime.dataSource, sheetId)).toEqual({ valid: true, length: 2 });

      // nothing of theirs is recorded again: a new visit to the same ticket may be requested, not booked at an address
      const another = await call('agent', 'POST', '/v1/visits', { ticketId, reason: '复查' });
      expect(another.status).toBe(201);
      const booked = await call('agent', 'POST', `/v1/visits/${another.body.id}/schedule`, {
        technician: { id: 'm-agent', role: 'agent' },
        window: windowFromNow(3),
        address: '上海市徐汇区',
      });
      expect([booked.status, booked.body.message]).toEqual([409, expect.stringContaining('was erased')]);
      expect(await runtime.store.streamVersion(runtime.dataSource, another.body.id)).toBe(1);
    });

    it('decides on the clear values: a visit rescheduled without a new address keeps the one it had, sealed once', async () => {
      const customerId = randomUUID();
      const { visitId } = await aScheduledVisit('agent', await aTicket(undefined, customerId));
      expect((await call('agent', 'POST', `/v1/visits/${visitId}/reschedule`, { window: windowFromNow(5), reason: '客户改期' })).body).toMatchObject({ status: 'scheduled' });
      const [, rescheduled] = personalValues(await storedEvents(visitId));
      expect(rescheduled).toEqual({ at: 'support.visit.rescheduled.v1 /address', value: sealedFor(customerId) });
      expect(await runtime.opening.openValues(runtime.dataSource, [rescheduled.value])).toEqual(['上海市徐汇区漕溪北路 1 号']);
      expect((await call('agent', 'GET', `/v1/visits/${visitId}`)).body.address).toBe('上海市徐汇区漕溪北路 1 号');
    });

    it("seals with the ticket's own id where field-service knew the ticket before it kept the customer", async () => {
      const ticketId = randomUUID();
      const before = { ticketId, customerName: '王女士', customerContact: '+86 138 0013 8000', deviceModel: 'Canon EOS R5', problem: '无法开机', state: 'received' };
      await runtime.dataSource.transaction((manager) => runtime.tickets.insert(manager, before));
      const { visitId } = await aScheduledVisit('agent', ticketId);
      expect(personalValues(await storedEvents(visitId))).toEqual([{ at: 'support.visit.scheduled.v1 /address', value: sealedFor(ticketId) }]);
      expect((await call('lead', 'GET', `/v1/visits/${visitId}`)).body.address).toBe('上海市徐汇区漕溪北路 1 号');

      // the customer's erasure names the ticket: field-service destroys the ticket's own key, and only such keys
      const customerId = randomUUID();
      const otherTicket = await aTicket(undefined, customerId);
      await publishEvents([
        { type: 'support.customer.erased.v1', source: 'intake', streamId: customerId, data: { customerId, reason: 'asked to be forgotten', ticketIds: [ticketId, otherTicket] } },
      ]);
      await waitFor('the ticket-keyed visit to read [erased]', async () => (await call('lead', 'GET', `/v1/visits/${visitId}`)).body.address === ERASED);
      const keys = await runtime.keys.keysOf(runtime.dataSource, [ticketId, otherTicket, customerId]);
      expect([keys.get(ticketId), keys.has(otherTicket), keys.get(customerId) instanceof Buffer]).toEqual([null, false, true]);
      expect(await runtime.store.verifyStream(runtime.dataSource, visitId)).toMatchObject({ valid: true });
    });
  });
});
