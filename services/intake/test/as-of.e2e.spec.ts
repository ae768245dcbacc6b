import { AS_OF_PAST_RULE, AS_OF_RULE } from '@support/service-kit';
import { jsonRequest, ManualClock, publishEvents, waitFor } from '@support/test-kit';
import { aTicket, RunningIntake, startIntake } from './support/intake-harness';

// time travel: a ticket and its history as of an instant between its changes, folded from its events,
// with the scope, prices and masking of the present
describe('intake as of an instant', () => {
  const start = new Date('2026-03-02T01:00:00.000Z');
  const clock = new ManualClock(start);
  const minute = (n: number) => new Date(start.getTime() + n * 60_000);
  let intake: RunningIntake;
  let tokens: Record<'desk' | 'agent' | 'contractor' | 'other' | 'analyst' | 'lead', string>;
  let ticketId: string;
  let customerId: string;
  const customer = { name: '王女士', phone: `+86 139 ${Math.floor(1000_0000 + Math.random() * 8999_9999)}` };

  const read = async (path: string, token: string) => {
    const response = await jsonRequest(`${intake.url}${path}`, token, 'GET');
    return {
      status: response.status,
      body: await response.json(),
      asOf: response.headers.get('as-of'),
      position: response.headers.get('as-of-position'),
      etag: response.headers.get('etag'),
    };
  };
  const asOf = (n: number) => encodeURIComponent(minute(n).toISOString());

  beforeAll(async () => {
    intake = await startIntake({ clock });
    tokens = {
      desk: await intake.token({ role: 'intake', id: 'cs-desk-1' }),
      agent: await intake.token({ role: 'agent', id: 'agent-1' }),
      contractor: await intake.token({ role: 'contractor', id: 'c-asof' }),
      other: await intake.token({ role: 'contractor', id: 'c-other' }),
      analyst: await intake.token({ role: 'analyst', id: 'ops-1' }),
      lead: await intake.token({ role: 'lead', id: 'lead-1' }),
    };
    // minute 0 received; 10 dispatched to c-asof; 20 contacted; 30 diagnosed; 40 quoted; 50 accepted
    const opened = await intake.call('POST', '/v1/tickets', tokens.desk, aTicket({ customer, triage: { scenario: 'printer-driver-reinstall', difficulty: 'fixed-scenario' } }));
    expect(opened.status).toBe(201);
    ticketId = opened.body.id;
    clock.set(minute(10));
    await publishEvents([
      {
        type: 'support.routing.assignment-decided.v1',
        streamId: ticketId,
        source: 'routing',
        data: {
          ticketId,
          assignee: { id: 'c-asof', role: 'contractor', name: '周师傅' },
          tier: 'L1',
          mode: 'automatic',
          reason: 'fixed scenario',
          scenario: 'printer-driver-reinstall',
        },
      },
    ]);
    await waitFor('the dispatch to the contractor', async () => (await intake.call('GET', `/v1/tickets/${ticketId}`, tokens.contractor)).status === 200);
    const steps: Array<[number, 'contractor' | 'agent', string, object]> = [
      [20, 'contractor', 'contact', { channel: 'phone' }],
      [30, 'contractor', 'diagnosis', { faultCategory: 'printer', scenario: 'printer-driver-reinstall', difficulty: 'fixed-scenario' }],
      [40, 'agent', 'quote', { amount: 31415, note: '含上门费' }],
      [50, 'agent', 'quote/accept', {}],
    ];
    for (const [at, who, command, body] of steps) {
      clock.set(minute(at));
      expect([command, (await intake.call('POST', `/v1/tickets/${ticketId}/${command}`, tokens[who], body)).status]).toEqual([command, 200]);
    }
    clock.set(minute(60));
    customerId = (await intake.call('GET', `/v1/tickets/${ticketId}`, tokens.agent)).body.customerId;
  }, 90_000);

  afterAll(async () => {
    await intake?.stop();
  });

  it('answers the ticket as it stood between its changes, marked with the instant and its seq then', async () => {
    const expected: Array<[number, string, number]> = [
      [0, 'received', 1],
      [9, 'received', 1],
      [10, 'assigned', 2],
      [25, 'contacted', 3],
      [30, 'diagnosed', 4],
      [45, 'quoted', 5],
      [60, 'in-progress', 6],
    ];
    for (const [at, state, version] of expected) {
      const seen = await read(`/v1/tickets/${ticketId}?asOf=${asOf(at)}`, tokens.agent);
      expect([at, seen.status, seen.body.state, seen.body.version]).toEqual([at, 200, state, version]);
      expect([at, seen.asOf, seen.position, seen.etag]).toEqual([at, minute(at).toISOString(), String(version), `"${version}"`]);
    }
    const quoted = await read(`/v1/tickets/${ticketId}?asOf=${asOf(45)}`, tokens.agent);
    expect(quoted.body.quote).toEqual({ amount: 31415, currency: 'CNY', note: '含上门费', status: 'pending' });
    expect((await read(`/v1/tickets/${ticketId}?asOf=${asOf(9)}`, tokens.agent)).body).not.toHaveProperty('assignee');
    // an offset other than Z names the same instant
    const shanghai = encodeURIComponent('2026-03-02T09:25:00+08:00');
    expect((await read(`/v1/tickets/${ticketId}?asOf=${shanghai}`, tokens.agent)).body).toMatchObject({ state: 'contacted', version: 3 });
    // the present is unmarked
    const now = await read(`/v1/tickets/${ticketId}`, tokens.agent);
    expect([now.body.version, now.asOf, now.position]).toEqual([6, null, null]);
  });

  it('answers 404 before the ticket was received, as for a ticket that does not exist', async () => {
    const before = await read(`/v1/tickets/${ticketId}?asOf=${encodeURIComponent(new Date(start.getTime() - 1).toISOString())}`, tokens.agent);
    expect(before.status).toBe(404);
    expect((await read(`/v1/tickets/${ticketId}/history?asOf=${encodeURIComponent(new Date(start.getTime() - 1).toISOString())}`, tokens.agent)).status).toBe(404);
    expect((await read(`/v1/tickets/00000000-0000-4000-8000-000000000000?asOf=${asOf(30)}`, tokens.agent)).status).toBe(404);
  });

  it('cuts the history at the instant', async () => {
    const history = await read(`/v1/tickets/${ticketId}/history?asOf=${asOf(30)}`, tokens.agent);
    expect(history.status).toBe(200);
    expect(history.body.map((entry: { seq: number }) => entry.seq)).toEqual([1, 2, 3, 4]);
    expect(history.body.map((entry: { type: string }) => entry.type)).toEqual([
      'support.ticket.received.v1',
      'support.ticket.dispatched-to-contractor.v1',
      'support.ticket.contacted.v1',
      'support.ticket.diagnosed.v1',
    ]);
    expect([history.asOf, history.position]).toEqual([minute(30).toISOString(), '4']);
    const whole = await read(`/v1/tickets/${ticketId}/history`, tokens.agent);
    expect(history.body).toEqual(whole.body.slice(0, 4));
  });

  it('gives a contractor the past of a ticket dispatched to them, from its dispatch on, without prices; another contractor nothing', async () => {
    expect((await read(`/v1/tickets/${ticketId}?asOf=${asOf(5)}`, tokens.contractor)).status).toBe(404);
    const quoted = await read(`/v1/tickets/${ticketId}?asOf=${asOf(45)}`, tokens.contractor);
    expect([quoted.status, quoted.body.state, quoted.body.quote]).toEqual([200, 'quoted', { status: 'pending' }]);
    const history = await read(`/v1/tickets/${ticketId}/history?asOf=${asOf(45)}`, tokens.contractor);
    expect(history.body).toHaveLength(5);
    for (const price of ['31415', 'CNY', '含上门费', '"amount"']) expect([price, JSON.stringify([quoted.body, history.body]).includes(price)]).toEqual([price, false]);
    for (const path of [`/v1/tickets/${ticketId}?asOf=${asOf(45)}`, `/v1/tickets/${ticketId}/history?asOf=${asOf(45)}`]) {
      expect([path, (await read(path, tokens.other)).status]).toEqual([path, 404]);
    }
  });

  it("shows an analyst the customer masked as of any instant, and '[erased]' once the customer is erased", async () => {
    const masked = { name: '王*', phone: expect.stringMatching(/^\+86 139 \*{4}\d{4}$/) };
    const ticket = await read(`/v1/tickets/${ticketId}?asOf=${asOf(0)}`, tokens.analyst);
    expect(ticket.body.customer).toEqual(masked);
    const history = await read(`/v1/tickets/${ticketId}/history?asOf=${asOf(0)}`, tokens.analyst);
    expect(history.body[0].data.customer).toEqual(masked);
    expect(JSON.stringify([ticket.body, history.body]).includes(customer.phone)).toBe(false);
    expect((await read(`/v1/tickets/${ticketId}?asOf=${asOf(0)}`, tokens.lead)).body.customer).toEqual(customer);

    expect((await intake.call('POST', `/v1/customers/${customerId}/erasure`, tokens.lead, { reason: 'the customer asked to be forgotten' })).status).toBe(200);
    const erased = await read(`/v1/tickets/${ticketId}?asOf=${asOf(0)}`, tokens.lead);
    expect(erased.body.customer.name).toBe('[erased]');
    expect(JSON.stringify((await read(`/v1/tickets/${ticketId}/history?asOf=${asOf(0)}`, tokens.lead)).body).includes(customer.phone)).toBe(false);
  });

  it('answers 400 naming asOf and its rule for an instant without an offset, not an instant, or in the future', async () => {
    for (const [value, rule] of [
      ['2026-03-02T01:30:00', AS_OF_RULE],
      ['yesterday', AS_OF_RULE],
      [minute(61).toISOString(), `${AS_OF_PAST_RULE} (now is ${minute(60).toISOString()})`],
    ]) {
      for (const path of [`/v1/tickets/${ticketId}`, `/v1/tickets/${ticketId}/history`]) {
        const refused = await read(`${path}?asOf=${encodeURIComponent(value)}`, tokens.agent);
        expect([path, value, refused.status, refused.body.message]).toEqual([path, value, 400, [rule]]);
      }
    }
  });
});
