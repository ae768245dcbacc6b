import { CUSTOMERS_TOPIC, TICKETS_TOPIC } from '@support/contracts';
import { publishEvents, waitFor } from '@support/test-kit';
import { aTicket, jsonRequest, RunningIntake, startIntake } from './support/intake-harness';
import { TopicReader } from './support/topic-reader';

const ERASED = '[erased]';

// crypto-shredding: the customer's personal data is sealed with a key of theirs; erasure destroys the key
describe('erasing a customer', () => {
  let intake: RunningIntake;
  let tickets: TopicReader;
  let customers: TopicReader;
  let tokens: Record<'lead' | 'agent' | 'analyst' | 'desk' | 'contractor', string>;

  beforeAll(async () => {
    intake = await startIntake();
    tickets = new TopicReader(TICKETS_TOPIC);
    customers = new TopicReader(CUSTOMERS_TOPIC);
    await tickets.start();
    await customers.start();
    tokens = {
      lead: await intake.token({ role: 'lead', id: 'lead-1' }),
      agent: await intake.token({ role: 'agent', id: 'agent-1' }),
      analyst: await intake.token({ role: 'analyst', id: 'ops-1' }),
      desk: await intake.token({ role: 'intake', id: 'cs-desk-1' }),
      contractor: await intake.token({ role: 'contractor', id: 'c-erasure' }),
    };
  }, 60_000);

  afterAll(async () => {
    await tickets?.stop();
    await customers?.stop();
    await intake?.stop();
  });

  const call = async (method: 'GET' | 'POST', path: string, token: string, body?: unknown) => {
    const response = await jsonRequest(`${intake.url}${path}`, token, method, body);
    return { status: response.status, body: await response.json() };
  };
  const sql = (text: string, params: unknown[] = []) => intake.runtime.dataSource.query(text.replace(/\bintake\./g, `"${intake.schema}".`), params);

  it('makes the personal data unreadable on every read endpoint, while every history still verifies', async () => {
    const suffix = String(Date.now()).slice(-8);
    const customer = { name: '欧阳女士', phone: `+86 139 ${suffix}`, wechat: `wx_oy${suffix}` };
    const clearValues = [customer.name, customer.phone, customer.wechat, suffix];
    const { body: first } = await call('POST', '/v1/tickets', tokens.desk, aTicket({ customer, triage: { scenario: 'printer-driver-reinstall', difficulty: 'fixed-scenario' } }));
    const { body: second } = await call('POST', '/v1/tickets', tokens.desk, aTicket({ customer: { name: customer.name, wechat: customer.wechat }, problem: '直播推流卡顿' }));
    await publishEvents([
      {
        type: 'support.routing.assignment-decided.v1',
        streamId: first.id,
        source: 'routing',
        data: {
          ticketId: first.id,
          assignee: { id: 'c-erasure', role: 'contractor' },
          tier: 'L1',
          mode: 'automatic',
          reason: 'fixed scenario',
          scenario: 'printer-driver-reinstall',
        },
      },
    ]);
    await waitFor('the dispatch to the contractor', async () => (await call('GET', `/v1/tickets/${first.id}`, tokens.contractor)).status === 200);
    expect((await call('POST', `/v1/tickets/${first.id}/contact`, tokens.contractor, { channel: 'phone' })).status).toBe(200);
    const { body: ticket } = await call('GET', `/v1/tickets/${first.id}`, tokens.lead);
    const customerId: string = ticket.customerId;
    expect(ticket.customer).toEqual(customer);

    // stored sealed: the event table never holds the clear values, so they can be erased without rewriting it
    const stored = await sql(`SELECT data::text AS data FROM intake.events WHERE stream_id = ANY($1)`, [[customerId, first.id, second.id]]);
    expect(stored.length).toBe(5);
    for (const value of clearValues) expect([value, stored.some((row: { data: string }) => row.data.includes(value))]).toEqual([value, false]);
    // published sealed too, each value naming the customer whose key opens it: what a topic keeps forever is erasable
    const published = await tickets.waitFor((m) => m.key === first.id && m.headers.ce_type === 'support.ticket.received.v1');
    const sealedForCustomer = expect.stringMatching(new RegExp(`^sealed:v2:${customerId}:[A-Za-z0-9_-]+$`));
    expect((published.value as { customer: unknown }).customer).toEqual({ name: sealedForCustomer, phone: sealedForCustomer, wechat: sealedForCustomer });
    for (const value of clearValues) expect([value, JSON.stringify(published.value).includes(value)]).toEqual([value, false]);

    const historyBefore = await call('GET', `/v1/tickets/${first.id}/history`, tokens.lead);
    const verifyBefore = await Promise.all([first.id, second.id].map(async (id) => (await call('GET', `/v1/tickets/${id}/history/verify`, tokens.lead)).body));
    expect(verifyBefore).toMatchObject([
      { valid: true, length: 3 },
      { valid: true, length: 1 },
    ]);

    // only a lead erases, and says why
    expect((await call('POST', `/v1/customers/${customerId}/erasure`, tokens.agent, { reason: 'asked' })).status).toBe(403);
    expect((await call('POST', `/v1/customers/${customerId}/erasure`, tokens.analyst, { reason: 'asked' })).status).toBe(403);
    const noReason = await call('POST', `/v1/customers/${customerId}/erasure`, tokens.lead, {});
    expect([noReason.status, noReason.body.message]).toEqual([400, expect.arrayContaining([expect.stringMatching(/^reason/)])]);
    const erased = await call('POST', `/v1/customers/${customerId}/erasure`, tokens.lead, { reason: 'the customer asked to be forgotten' });
    expect(erased).toEqual({ status: 200, body: { id: customerId, erased: true, version: 2 } });

    // every intake read endpoint, for every role that reads it
    const reads: Array<[string, string]> = [];
    for (const role of ['lead', 'agent', 'analyst', 'desk'] as const) {
      reads.push(
        [role, `/v1/tickets/${first.id}`],
        [role, `/v1/tickets/${second.id}`],
        [role, `/v1/tickets?customerId=${customerId}`],
        [role, `/v1/tickets`],
        [role, `/v1/tickets/${first.id}/history`],
        [role, `/v1/tickets/${second.id}/history`],
        [role, `/v1/customers/${customerId}/tickets`],
      );
    }
    reads.push(['contractor', `/v1/tickets/${first.id}`], ['contractor', `/v1/tickets`], ['contractor', `/v1/tickets/${first.id}/history`]);
    for (const [role, path] of reads) {
      const answer = await call('GET', path, tokens[role as keyof typeof tokens]);
      expect([role, path, answer.status]).toEqual([role, path, 200]);
      const text = JSON.stringify(answer.body);
      for (const value of clearValues) expect([role, path, value, text.includes(value)]).toEqual([role, path, value, false]);
      expect([role, path, text.includes(ERASED)]).toEqual([role, path, true]);
    }
    const after = (await call('GET', `/v1/tickets/${first.id}`, tokens.lead)).body;
    expect(after.customer).toEqual({ name: ERASED, phone: ERASED, wechat: ERASED });
    expect((await call('GET', `/v1/tickets/${first.id}`, tokens.analyst)).body.customer).toEqual({ name: ERASED, phone: ERASED, wechat: ERASED });
    const customerHistory = (await call('GET', `/v1/customers/${customerId}/tickets`, tokens.lead)).body;
    expect(customerHistory.customer).toEqual({ id: customerId, name: ERASED, registeredAt: expect.any(String), erasedAt: expect.any(String), version: 2 });
    expect(customerHistory.tickets.map((t: { customer: unknown }) => t.customer)).toEqual([
      { name: ERASED, phone: ERASED, wechat: ERASED },
      { name: ERASED, wechat: ERASED },
    ]);

    // nothing recorded changed: the same hashes, and every chain verifies, the customer's with its erasure
    const historyAfter = await call('GET', `/v1/tickets/${first.id}/history`, tokens.lead);
    expect(historyAfter.body.map((e: { hash: string }) => e.hash)).toEqual(historyBefore.body.map((e: { hash: string }) => e.hash));
    expect(historyAfter.body[0].data.customer).toEqual({ name: ERASED, phone: ERASED, wechat: ERASED });
    for (const [id, length] of [
      [first.id, 3],
      [second.id, 1],
    ] as const) {
      expect((await call('GET', `/v1/tickets/${id}/history/verify`, tokens.lead)).body).toMatchObject({ valid: true, length });
    }
    expect(await intake.runtime.store.verifyStream(intake.runtime.dataSource, customerId)).toEqual({ valid: true, length: 2 });

    // the key is gone (a keyless row stays), the directory forgot the contacts, the outbox's copies are rewritten
    expect(await sql(`SELECT wrapped_key, data_key, destroyed_at IS NOT NULL AS destroyed FROM keyring.subject_keys WHERE subject_id = $1`, [customerId])).toEqual([
      { wrapped_key: null, data_key: null, destroyed: true },
    ]);
    expect(await sql(`SELECT name, phone, wechat FROM intake.customer_directory WHERE customer_id = $1`, [customerId])).toEqual([{ name: ERASED, phone: null, wechat: null }]);
    const outbox = await sql(`SELECT payload::text AS payload FROM intake.outbox`);
    for (const value of clearValues) expect([value, outbox.some((row: { payload: string }) => row.payload.includes(value))]).toEqual([value, false]);

    // the erasure is an event like any other: who, when, why, which tickets
    const message = await customers.waitFor((m) => m.key === customerId && m.headers.ce_type === 'support.customer.erased.v1');
    expect(message.value).toEqual({ customerId, reason: 'the customer asked to be forgotten', ticketIds: [first.id, second.id] });
    expect(message.headers).toMatchObject({ ce_actorid: 'lead-1', ce_actorrole: 'lead', ce_streamversion: '2' });

    // erased once: a second erasure is refused, and the same contact later is a new customer
    expect((await call('POST', `/v1/customers/${customerId}/erasure`, tokens.lead, { reason: 'again' })).status).toBe(409);
    const { body: later } = await call('POST', '/v1/tickets', tokens.desk, aTicket({ customer }));
    const laterTicket = (await call('GET', `/v1/tickets/${later.id}`, tokens.lead)).body;
    expect(laterTicket.customerId).not.toBe(customerId);
    expect(laterTicket.customer).toEqual(customer);
  });

  it('answers 404 for a customer that does not exist', async () => {
    expect((await call('POST', '/v1/customers/7d1e5b7a-0c1f-4f7e-9a51-3c2d1b0a9f88/erasure', tokens.lead, { reason: 'asked' })).status).toBe(404);
  });
});
