import { publishEvents, waitFor } from '@support/test-kit';
import { aTicket, jsonRequest, RunningIntake, startIntake } from './support/intake-harness';

// what each role reads of the same ticket, over every read endpoint
describe('intake reads by role', () => {
  let intake: RunningIntake;
  let tokens: Record<'agent' | 'contractor' | 'desk' | 'lead' | 'analyst', string>;

  beforeAll(async () => {
    intake = await startIntake();
    tokens = {
      agent: await intake.token({ role: 'agent', id: 'agent-1' }),
      contractor: await intake.token({ role: 'contractor', id: 'c-zhou' }),
      desk: await intake.token({ role: 'intake', id: 'cs-desk-1' }),
      lead: await intake.token({ role: 'lead', id: 'lead-1' }),
      analyst: await intake.token({ role: 'analyst', id: 'ops-1' }),
    };
  }, 60_000);

  afterAll(async () => {
    await intake?.stop();
  });

  const call = async (method: 'GET' | 'POST', path: string, token: string, body?: unknown) => {
    const response = await jsonRequest(`${intake.url}${path}`, token, method, body);
    return { status: response.status, body: await response.json() };
  };

  /** a ticket routing dispatched to contractor c-zhou, quoted, declined, quoted again and accepted */
  async function quotedTicketOfContractor(): Promise<{ id: string; customerId: string }> {
    const { body: opened } = await call('POST', '/v1/tickets', tokens.desk, aTicket({ triage: { scenario: 'printer-driver-reinstall', difficulty: 'fixed-scenario' } }));
    await publishEvents([
      {
        type: 'support.routing.assignment-decided.v1',
        streamId: opened.id,
        source: 'routing',
        data: {
          ticketId: opened.id,
          assignee: { id: 'c-zhou', role: 'contractor', name: '周师傅' },
          tier: 'L1',
          mode: 'automatic',
          reason: 'fixed scenario',
          scenario: 'printer-driver-reinstall',
        },
      },
    ]);
    await waitFor('the dispatch to the contractor', async () => (await call('GET', `/v1/tickets/${opened.id}`, tokens.contractor)).status === 200);
    const steps: Array<[string, string, object]> = [
      ['contractor', 'contact', { channel: 'phone' }],
      ['contractor', 'diagnosis', { faultCategory: 'printer', scenario: 'printer-driver-reinstall', difficulty: 'fixed-scenario' }],
      ['agent', 'quote', { amount: 31415, note: '含上门费 50 元' }],
      ['agent', 'quote/decline', { reason: '太贵了' }],
      ['agent', 'quote', { amount: 27182 }],
      ['agent', 'quote/accept', {}],
    ];
    for (const [who, command, body] of steps) {
      const answer = await call('POST', `/v1/tickets/${opened.id}/${command}`, tokens[who as 'agent' | 'contractor'], body);
      expect([command, answer.status]).toEqual([command, 200]);
    }
    const { body: ticket } = await call('GET', `/v1/tickets/${opened.id}`, tokens.agent);
    return { id: opened.id, customerId: ticket.customerId };
  }

  describe('prices', () => {
    it('never shows the contractor the ticket was dispatched to a price, on any read endpoint; an agent sees them', async () => {
      const { id, customerId } = await quotedTicketOfContractor();
      const reads = [`/v1/tickets/${id}`, `/v1/tickets?assignee=c-zhou`, `/v1/tickets`, `/v1/tickets/${id}/history`];
      for (const path of reads) {
        const seen = await call('GET', path, tokens.contractor);
        expect([path, seen.status]).toEqual([path, 200]);
        const text = JSON.stringify(seen.body);
        expect([path, text.includes(id)]).toEqual([path, true]);
        // no amount, currency, quote note or decline reason, by name or by value
        for (const price of ['"amount"', '"currency"', '31415', '27182', 'CNY', '含上门费', '太贵了']) expect([path, price, text.includes(price)]).toEqual([path, price, false]);
      }
      // the outcome of the quote is no price: the contractor still sees that work may start
      expect((await call('GET', `/v1/tickets/${id}`, tokens.contractor)).body.quote).toEqual({ status: 'accepted' });
      const contractorHistory = (await call('GET', `/v1/tickets/${id}/history`, tokens.contractor)).body;
      expect(contractorHistory.filter((e: { type: string }) => e.type.includes('quote')).map((e: { data: object }) => e.data)).toEqual([
        { ticketId: id },
        { ticketId: id },
        { ticketId: id },
        { ticketId: id },
      ]);
      // the customer's whole history spans others' tickets: not for contractors at all
      expect((await call('GET', `/v1/customers/${customerId}/tickets`, tokens.contractor)).status).toBe(403);

      const agentTicket = (await call('GET', `/v1/tickets/${id}`, tokens.agent)).body;
      expect(agentTicket.quote).toEqual({ amount: 27182, currency: 'CNY', status: 'accepted' });
      const agentHistory = (await call('GET', `/v1/tickets/${id}/history`, tokens.agent)).body;
      expect(agentHistory.filter((e: { type: string }) => e.type.includes('quote')).map((e: { data: object }) => e.data)).toEqual([
        { ticketId: id, amount: 31415, currency: 'CNY', note: '含上门费 50 元' },
        { ticketId: id, reason: '太贵了' },
        { ticketId: id, amount: 27182, currency: 'CNY' },
        { ticketId: id, amount: 27182, currency: 'CNY' },
      ]);
      expect(JSON.stringify((await call('GET', `/v1/customers/${customerId}/tickets`, tokens.agent)).body)).toContain('27182');
      // redaction is a view: the stored chain is whole and verifies for both
      for (const token of [tokens.contractor, tokens.agent]) expect((await call('GET', `/v1/tickets/${id}/history/verify`, token)).body).toMatchObject({ valid: true, length: 8 });
    });
  });

  describe('personal data', () => {
    it('shows an analyst the customer masked on every read endpoint, and a lead the clear values', async () => {
      const wechat = `wx_${Date.now().toString(36)}12`;
      const customer = { name: '王女士', phone: '+86 138 0013 8000', wechat };
      const { body: opened } = await call('POST', '/v1/tickets', tokens.desk, aTicket({ customer }));
      const { body: ticket } = await call('GET', `/v1/tickets/${opened.id}`, tokens.lead);
      const masked = { name: '王*', phone: '+86 138 ****8000', wechat: `wx****12` };
      const receivedOf = (history: Array<{ type: string; data: { customer: unknown } }>) => history.find((e) => e.type === 'support.ticket.received.v1')?.data.customer;

      const asAnalyst = {
        ticket: (await call('GET', `/v1/tickets/${opened.id}`, tokens.analyst)).body,
        list: (await call('GET', `/v1/tickets?customerId=${ticket.customerId}`, tokens.analyst)).body,
        history: (await call('GET', `/v1/tickets/${opened.id}/history`, tokens.analyst)).body,
        customer: (await call('GET', `/v1/customers/${ticket.customerId}/tickets`, tokens.analyst)).body,
      };
      expect(asAnalyst.ticket.customer).toEqual(masked);
      expect(asAnalyst.list.items.map((t: { customer: unknown }) => t.customer)).toEqual([masked]);
      expect(receivedOf(asAnalyst.history)).toEqual(masked);
      expect(asAnalyst.customer.customer).toMatchObject(masked);
      expect(asAnalyst.customer.tickets[0].customer).toEqual(masked);
      expect(receivedOf(asAnalyst.customer.tickets[0].history)).toEqual(masked);
      // nothing clear anywhere in what the analyst got
      for (const clear of ['王女士', '138 0013', wechat]) expect([clear, JSON.stringify(asAnalyst).includes(clear)]).toEqual([clear, false]);

      expect(ticket.customer).toEqual(customer);
      expect(receivedOf((await call('GET', `/v1/tickets/${opened.id}/history`, tokens.lead)).body)).toEqual(customer);
      expect((await call('GET', `/v1/customers/${ticket.customerId}/tickets`, tokens.lead)).body.customer).toMatchObject(customer);
    });
  });
});
