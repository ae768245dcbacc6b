import { randomUUID } from 'node:crypto';
import { eventCatalogue, TICKETS_TOPIC } from '@support/contracts';
import { publishEvents, tamperAsOwner } from '@support/test-kit';
import { aTicket, jsonRequest, RunningIntake, startIntake } from './support/intake-harness';
import { TopicReader } from './support/topic-reader';

describe('intake over HTTP, PostgreSQL and Kafka', () => {
  let intake: RunningIntake;
  let reader: TopicReader;
  let agent: string;
  let lead: string;
  let desk: string;
  let service: string;

  beforeAll(async () => {
    intake = await startIntake();
    reader = new TopicReader(TICKETS_TOPIC);
    await reader.start();
    agent = await intake.token({ role: 'agent', id: 'agent-1', name: 'Agent One' });
    lead = await intake.token({ role: 'lead', id: 'lead-1' });
    desk = await intake.token({ role: 'intake', id: 'cs-desk-1' });
    service = await intake.token({ role: 'service', id: 'partner-system' });
  }, 60_000);

  afterAll(async () => {
    await reader?.stop();
    await intake?.stop();
  });

  const post = (path: string, token: string | null, body?: unknown, headers?: Record<string, string>) => jsonRequest(`${intake.url}${path}`, token, 'POST', body, headers);
  const get = (path: string, token: string | null, headers?: Record<string, string>) => jsonRequest(`${intake.url}${path}`, token, 'GET', undefined, headers);
  const countRows = async (table: string) => Number((await intake.runtime.dataSource.query(`SELECT count(*)::int AS n FROM "${intake.schema}".${table}`))[0].n);
  const open = async (overrides = {}) => {
    const response = await post('/v1/tickets', desk, aTicket(overrides));
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string; state: string; version: number };
  };

  it('opens a ticket and publishes support.ticket.received.v1 as a CloudEvent keyed by the ticket id', async () => {
    const triage = { faultCategory: 'printer', scenario: 'printer-driver-reinstall', difficulty: 'fixed-scenario' };
    const response = await post('/v1/tickets', desk, aTicket({ requestedAt: '2026-11-23T01:00:00.000Z', triage }));
    expect(response.status).toBe(201);
    const created = await response.json();
    expect(created).toEqual({ id: expect.any(String), state: 'received', version: 1 });

    const message = await reader.waitFor((m) => m.key === created.id);
    expect(message.headers).toMatchObject({
      ce_id: expect.any(String),
      ce_source: 'intake',
      ce_type: 'support.ticket.received.v1',
      ce_subject: created.id,
      ce_specversion: '1.0',
      ce_streamversion: '1',
      ce_actorid: 'cs-desk-1',
      ce_actorrole: 'intake',
      ce_audithash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(Date.parse(message.headers.ce_time)).not.toBeNaN();
    expect(eventCatalogue.validate('support.ticket.received.v1', message.value)).toEqual({ ok: true });
    expect(message.value).toMatchObject({ ticketId: created.id, urgency: 'urgent', channel: 'wechat', requestedAt: '2026-11-23T01:00:00.000Z', triage });

    const ticket = await (await get(`/v1/tickets/${created.id}`, agent)).json();
    expect(ticket).toMatchObject({ id: created.id, state: 'received', urgency: 'urgent', channel: 'wechat', deviceModel: 'Dell XPS 15 9520', version: 1 });
  });

  it('lets exactly one of two concurrent commands with the same If-Match win; the other gets 412', async () => {
    const { id } = await open();
    const assign = (who: string) => post(`/v1/tickets/${id}/assignment`, service, { assignee: { id: who, role: 'agent' }, tier: 'L1' }, { 'If-Match': '"1"' });
    const responses = await Promise.all([assign('agent-a'), assign('agent-b')]);
    expect(responses.map((r) => r.status).sort()).toEqual([200, 412]);
    const history = await (await get(`/v1/tickets/${id}/history`, agent)).json();
    expect(history.map((h: { type: string }) => h.type)).toEqual(['support.ticket.received.v1', 'support.ticket.assigned.v1']);
    const winner = await responses.find((r) => r.status === 200)!.json();
    expect(winner).toEqual({ id, state: 'assigned', version: 2 });
  });

  it('answers a read whose If-None-Match holds its ETag with 304 and no body, and with the ticket once it changed', async () => {
    const { id } = await open();
    const first = await get(`/v1/tickets/${id}`, agent);
    const etag = first.headers.get('etag')!;
    expect(etag).toBe('"1"');
    const unchanged = await get(`/v1/tickets/${id}`, agent, { 'If-None-Match': etag });
    expect(unchanged.status).toBe(304);
    expect(unchanged.headers.get('etag')).toBe(etag);
    expect(await unchanged.text()).toBe('');
    expect((await get(`/v1/tickets/${id}`, agent, { 'If-None-Match': `"9", W/${etag}` })).status).toBe(304);
    expect((await get(`/v1/tickets/${id}`, agent, { 'If-None-Match': '*' })).status).toBe(304);

    await post(`/v1/tickets/${id}/assignment`, service, { assignee: { id: 'agent-a', role: 'agent' }, tier: 'L1' }, { 'If-Match': etag });
    const changed = await get(`/v1/tickets/${id}`, agent, { 'If-None-Match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toBe('"2"');
    expect(await changed.json()).toMatchObject({ id, state: 'assigned', version: 2 });
  });

  it('creates one ticket for the same Idempotency-Key sent twice, and refuses the key with another body', async () => {
    const key = randomUUID();
    const body = aTicket();
    const first = await post('/v1/tickets', desk, body, { 'Idempotency-Key': key });
    const second = await post('/v1/tickets', desk, body, { 'Idempotency-Key': key });
    expect([first.status, second.status]).toEqual([201, 201]);
    const [a, b] = [await first.json(), await second.json()];
    expect(b).toEqual(a);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const page = await (await get(`/v1/tickets?customerId=${(await (await get(`/v1/tickets/${a.id}`, agent)).json()).customerId}`, agent)).json();
    expect(page.items).toHaveLength(1);
    const other = await post('/v1/tickets', desk, { ...body, problem: 'something else' }, { 'Idempotency-Key': key });
    expect([other.status, (await other.json()).message]).toEqual([422, 'Idempotency-Key was already used with a different body']);
  });

  it('answers invalid bodies with 400 naming each field, and stores and publishes nothing', async () => {
    const eventsBefore = await countRows('events');
    const outboxBefore = await countRows('outbox');
    const marker = `bad-${randomUUID()}`;
    const cases: Array<[unknown, RegExp[]]> = [
      [{}, [/channel/, /customer/, /deviceModel/, /problem/, /urgency/]],
      [aTicket({ urgency: 'whenever' }), [/urgency must be one of/]],
      [aTicket({ deviceModel: 42, channel: 'fax' }), [/deviceModel must be a string/, /channel must be one of/]],
      [aTicket({ problem: 'x'.repeat(100 * 1024) }), [/problem must be shorter than or equal to/]],
      [aTicket({ customer: { name: 'No Contact' } }), [/customer\.phone/, /customer\.wechat/]],
      [aTicket({ customer: { name: 'Bad', phone: 12345 } }), [/customer\.phone/]],
      [aTicket({ requestedAt: 'yesterday' }), [/requestedAt must be a valid ISO 8601/]],
      [aTicket({ extra: 'field' }), [/property extra should not exist/]],
      [aTicket({ requestedAt: '2099-01-01T00:00:00Z' }), [/requestedAt must be a valid date, not in the future/]],
      [aTicket({ triage: { difficulty: 'easy', scenario: '' } }), [/triage\.difficulty must be one of/, /triage\.scenario should not be empty/]],
    ];
    for (const [body, patterns] of cases) {
      const response = await post('/v1/tickets', desk, body, { 'X-Correlation-Id': marker });
      const answer = await response.json();
      expect([response.status, answer.error]).toEqual([400, 'Bad Request']);
      expect(Array.isArray(answer.message)).toBe(true);
      for (const pattern of patterns) expect(answer.message.join(' | ')).toMatch(pattern);
    }
    const notJson = await post('/v1/tickets', desk, '{"channel": "wechat", ', { 'X-Correlation-Id': marker });
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).message).toEqual(expect.arrayContaining([expect.stringMatching(/JSON/)]));

    expect(await countRows('events')).toBe(eventsBefore);
    expect(await countRows('outbox')).toBe(outboxBefore);
    // a valid ticket afterwards is published; nothing carrying the bad requests' correlation id came before it
    const sentinel = await open();
    await reader.waitFor((m) => m.key === sentinel.id);
    expect(reader.messages.filter((m) => m.headers.ce_correlationid === marker)).toEqual([]);
  });

  it('answers 401 without a token, 403 for a role that may not, 404 for an unknown ticket', async () => {
    expect((await post('/v1/tickets', null, aTicket())).status).toBe(401);
    const analyst = await intake.token({ role: 'analyst' });
    expect((await post('/v1/tickets', analyst, aTicket())).status).toBe(403);
    // a lead assigns through routing, which checks the rules; intake takes assignments only from systems
    const { id } = await open();
    expect((await post(`/v1/tickets/${id}/assignment`, lead, { assignee: { id: 'agent-1', role: 'agent' }, tier: 'L1' })).status).toBe(403);
    expect((await get(`/v1/tickets/${randomUUID()}`, agent)).status).toBe(404);
    expect((await post(`/v1/tickets/${randomUUID()}/contact`, agent, { channel: 'phone' })).status).toBe(404);
  });

  it('answers malformed ids, query values and cursors with 400 naming the parameter, never a 500', async () => {
    const messageOf = async (response: Response) => ({ status: response.status, message: ((await response.json()) as { message: unknown }).message });
    expect(await messageOf(await get('/v1/tickets/not-a-uuid', agent))).toEqual({ status: 400, message: ['id must be a UUID'] });
    expect(await messageOf(await post('/v1/tickets/not-a-uuid/contact', agent, { channel: 'phone' }))).toEqual({ status: 400, message: ['id must be a UUID'] });
    // 36 characters of hex and hyphens, but no UUID: the database would refuse it
    expect(await messageOf(await get(`/v1/tickets?customerId=${'a'.repeat(36)}`, lead))).toEqual({ status: 400, message: ['customerId must be a UUID'] });
    const forged = (cursor: unknown) => Buffer.from(JSON.stringify(cursor)).toString('base64url');
    for (const cursor of [
      forged({ receivedAt: 'yesterday', ticketId: randomUUID() }),
      forged({ receivedAt: '2026-02-31T00:00:00.000Z', ticketId: randomUUID() }),
      forged({ receivedAt: new Date().toISOString(), ticketId: 'x'.repeat(36) }),
      'not-base64-json',
    ]) {
      expect(await messageOf(await get(`/v1/tickets?cursor=${cursor}`, lead))).toEqual({ status: 400, message: ['cursor must be a nextCursor this list returned'] });
    }
  });

  it('pages the ticket list with the cursor it hands out, newest first, each ticket once', async () => {
    const opened = [await open(), await open(), await open()].map((t) => t.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await get(`/v1/tickets?limit=2${cursor ? `&cursor=${cursor}` : ''}`, lead);
      expect(response.status).toBe(200);
      const page = (await response.json()) as { items: Array<{ id: string }>; nextCursor: string | null };
      seen.push(...page.items.map((t) => t.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(opened));
    expect(seen.indexOf(opened[2])).toBeLessThan(seen.indexOf(opened[0]));
  });

  it('refuses an illegal transition with 409 naming the current state', async () => {
    const { id } = await open();
    const response = await post(`/v1/tickets/${id}/quote`, agent, { amount: 15000 });
    expect(response.status).toBe(409);
    expect((await response.json()).message).toMatch(/received/);
  });

  it('works a ticket through its life, with every step in the history and the chain verifying', async () => {
    const { id } = await open({ urgency: 'normal' });
    const steps: Array<[string, unknown, string]> = [
      ['assignment', { assignee: { id: 'agent-1', role: 'agent', name: 'Agent One' }, tier: 'L1' }, 'assigned'],
      ['contact', { channel: 'phone', note: 'called back' }, 'contacted'],
      ['diagnosis', { faultCategory: 'os', scenario: 'blue-screen', difficulty: 'common' }, 'diagnosed'],
      ['quote', { amount: 15000 }, 'quoted'],
      ['quote/accept', {}, 'in-progress'],
      ['resolution', { resolution: 'reinstalled the graphics driver', remote: true }, 'resolved'],
      ['feedback', { satisfaction: 5 }, 'resolved'],
      ['close', {}, 'closed'],
    ];
    let version = 1;
    for (const [command, body, state] of steps) {
      const token = command === 'assignment' ? service : agent;
      const response = await post(`/v1/tickets/${id}/${command}`, token, body, { 'If-Match': String(version) });
      expect([command, response.status]).toEqual([command, 200]);
      version += 1;
      expect(await response.json()).toEqual({ id, state, version });
    }
    const history = await (await get(`/v1/tickets/${id}/history`, agent)).json();
    expect(history.map((h: { seq: number }) => h.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(history[2]).toMatchObject({ type: 'support.ticket.contacted.v1', actor: { id: 'agent-1', role: 'agent' }, prevHash: history[1].hash });
    expect(await (await get(`/v1/tickets/${id}/history/verify`, agent)).json()).toMatchObject({ valid: true, length: 9 });
  });

  it('refuses UPDATE and DELETE on the event table, and verification names an event altered behind the app', async () => {
    const { id } = await open();
    await post(`/v1/tickets/${id}/assignment`, service, { assignee: { id: 'agent-1', role: 'agent' }, tier: 'L1' });
    await post(`/v1/tickets/${id}/contact`, agent, { channel: 'wechat' });
    const events = `"${intake.schema}".events`;
    // the service's own role may not even try; the triggers stop the owner
    await expect(intake.runtime.dataSource.query(`UPDATE ${events} SET data = '{}' WHERE stream_id = $1`, [id])).rejects.toThrow(/permission denied/);
    await expect(intake.runtime.dataSource.query(`DELETE FROM ${events} WHERE stream_id = $1`, [id])).rejects.toThrow(/permission denied/);
    await expect(intake.runtime.dataSource.query(`ALTER TABLE ${events} DISABLE TRIGGER events_append_only`)).rejects.toThrow(/must be owner/);
    await expect(tamperAsOwner((owner) => owner.query(`UPDATE ${events} SET data = '{}' WHERE stream_id = $1`, [id]).then(() => undefined))).rejects.toThrow(/append-only/);
    await expect(tamperAsOwner((owner) => owner.query(`DELETE FROM ${events} WHERE stream_id = $1`, [id]).then(() => undefined))).rejects.toThrow(/append-only/);
    // tampering on purpose, as the owner
    await tamperAsOwner(async (owner) => {
      await owner.query(`ALTER TABLE ${events} DISABLE TRIGGER events_append_only`);
      await owner.query(`UPDATE ${events} SET data = jsonb_set(data, '{channel}', '"phone"') WHERE stream_id = $1 AND version = 3`, [id]);
      await owner.query(`ALTER TABLE ${events} ENABLE TRIGGER events_append_only`);
    });
    expect(await (await get(`/v1/tickets/${id}/history/verify`, agent)).json()).toMatchObject({ valid: false, brokenAt: 3, length: 3 });
  });

  it("applies routing's decisions from Kafka as ticket events caused by them, and drops one the ticket has moved past", async () => {
    const publish = async (ticketId: string, type: string, data: unknown, actor: { id: string; role: 'service' | 'lead' }) =>
      (await publishEvents([{ type, data, streamId: ticketId, source: 'routing', actor }]))[0];
    const historyOf = async (ticketId: string) => (await get(`/v1/tickets/${ticketId}/history`, lead)).json();
    const until = async (check: () => Promise<boolean>) => {
      for (const deadline = Date.now() + 15_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) if (await check()) return;
      throw new Error('timed out');
    };

    const { id } = await open({ triage: { scenario: 'printer-driver-reinstall', difficulty: 'fixed-scenario' } });
    const decisionId = await publish(
      id,
      'support.routing.assignment-decided.v1',
      {
        ticketId: id,
        assignee: { id: 'c-zhou', role: 'contractor', name: '周师傅' },
        tier: 'L1',
        mode: 'automatic',
        reason: 'fixed scenario: whitelisted contractor',
        scenario: 'printer-driver-reinstall',
      },
      { id: 'routing', role: 'service' },
    );
    await until(async () => (await historyOf(id)).length === 2);
    const [, dispatched] = await historyOf(id);
    expect(dispatched).toMatchObject({ type: 'support.ticket.dispatched-to-contractor.v1', causationId: decisionId, actor: { id: 'routing', role: 'service' } });
    expect(dispatched.data).toMatchObject({ assignee: { id: 'c-zhou', role: 'contractor' }, scenario: 'printer-driver-reinstall' });

    // a ticket cancelled before the decision arrives keeps its state; the reactor moves on to the next decision
    const cancelled = await open();
    await post(`/v1/tickets/${cancelled.id}/cancel`, desk, { reason: 'customer fixed it' });
    await publish(
      cancelled.id,
      'support.routing.assignment-decided.v1',
      { ticketId: cancelled.id, assignee: { id: 'agent-a', role: 'agent' }, tier: 'L1', mode: 'manual', reason: 'lead chose' },
      { id: 'lead-1', role: 'lead' },
    );
    const next = await open();
    const manual = await publish(
      next.id,
      'support.routing.assignment-decided.v1',
      { ticketId: next.id, assignee: { id: 'agent-b', role: 'agent' }, tier: 'L1', mode: 'manual', reason: 'lead chose' },
      { id: 'lead-1', role: 'lead' },
    );
    await until(async () => (await historyOf(next.id)).length === 2);
    expect((await historyOf(next.id))[1]).toMatchObject({ type: 'support.ticket.assigned.v1', causationId: manual, actor: { id: 'lead-1', role: 'lead' } });
    expect((await historyOf(cancelled.id)).map((h: { type: string }) => h.type)).toEqual(['support.ticket.received.v1', 'support.ticket.cancelled.v1']);
  });

  it('keeps a customer by contact and returns the whole customer history', async () => {
    const wechat = `wx_${randomUUID().slice(0, 8)}`;
    const first = await open({ customer: { name: '李先生', wechat } });
    const second = await open({ customer: { name: '李先生', wechat }, problem: '直播推流卡顿' });
    const ticket = await (await get(`/v1/tickets/${first.id}`, agent)).json();
    const history = await (await get(`/v1/customers/${ticket.customerId}/tickets`, agent)).json();
    expect(history.customer).toMatchObject({ id: ticket.customerId, name: '李先生', wechat });
    expect(history.tickets.map((t: { id: string }) => t.id)).toEqual([first.id, second.id]);
    expect(history.tickets[1].history[0].type).toBe('support.ticket.received.v1');
  });
});
