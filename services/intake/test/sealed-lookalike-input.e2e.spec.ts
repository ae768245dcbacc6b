import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import { customerRegistered, ERASED, ticketReceived } from '@support/contracts';
import { sealAt, SubjectKeys } from '@support/personal-data';
import { publishEvents, waitFor } from '@support/test-kit';
import { aTicket, jsonRequest, RunningIntake, startIntake } from './support/intake-harness';

type Customer = { name: string; phone?: string; wechat?: string };

/** what sealing writes (`sealed:v2:<subject>:` + base64url(iv | tag | ciphertext)), under a key that is nobody's */
function foreignCiphertext(clear: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', randomBytes(32), iv);
  const ciphertext = Buffer.concat([cipher.update(clear, 'utf8'), cipher.final()]);
  return `sealed:v2:${randomUUID()}:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url')}`;
}

// Personal values are sealed at rest and marked with `sealed:v2:` (`sealed:v1:` before). A customer may type that mark: their
// values must be sealed like anyone's and read back exactly as typed, on every read, by every path in.
describe('personal values that look sealed', () => {
  let intake: RunningIntake;
  let lead: string;
  let desk: string;
  let agent: string;

  beforeAll(async () => {
    intake = await startIntake();
    lead = await intake.token({ role: 'lead', id: 'lead-1' });
    desk = await intake.token({ role: 'intake', id: 'cs-desk-1' });
    agent = await intake.token({ role: 'agent', id: 'agent-1' });
  }, 60_000);

  afterAll(async () => {
    await intake?.stop();
  });

  const call = async (method: 'GET' | 'POST', path: string, token: string, body?: unknown) => {
    const response = await jsonRequest(`${intake.url}${path}`, token, method, body);
    return { status: response.status, body: await response.json() };
  };
  const storedEvents = (streamId: string): Promise<Array<{ type: string; data: { customer?: Customer } & Customer }>> =>
    intake.runtime.dataSource.query(`SELECT type, data FROM "${intake.schema}".events WHERE stream_id = $1 ORDER BY version`, [streamId]);

  /** every read of the ticket and its customer gives back exactly what was typed, and the chain verifies */
  const expectReadsAsTyped = async (ticketId: string, customer: Customer) => {
    const ticket = await call('GET', `/v1/tickets/${ticketId}`, agent);
    expect([ticket.status, ticket.body.customer]).toEqual([200, customer]);

    const history = await call('GET', `/v1/tickets/${ticketId}/history`, agent);
    expect(history.status).toBe(200);
    expect(history.body[0]).toMatchObject({ type: ticketReceived.type, data: { customer } });
    expect((await call('GET', `/v1/tickets/${ticketId}/history?order=occurred`, agent)).status).toBe(200);
    expect((await call('GET', `/v1/tickets/${ticketId}/history/verify`, agent)).body).toMatchObject({ valid: true });

    const list = await call('GET', '/v1/tickets?limit=200', agent);
    expect(list.status).toBe(200);
    expect(list.body.items.find((item: { id: string }) => item.id === ticketId)?.customer).toEqual(customer);

    const customerId: string = ticket.body.customerId;
    const ofCustomer = await call('GET', `/v1/customers/${customerId}/tickets`, agent);
    expect(ofCustomer.status).toBe(200);
    expect(ofCustomer.body.customer).toMatchObject(customer);
    expect(ofCustomer.body.tickets[0]).toMatchObject({ id: ticketId, customer });
    expect(ofCustomer.body.tickets[0].history[0]).toMatchObject({ type: ticketReceived.type, data: { customer } });

    // stored sealed, every field, whatever it looked like: nothing typed is at rest in the clear
    const [received] = await storedEvents(ticketId);
    const [registered] = await storedEvents(customerId);
    expect(registered.type).toBe(customerRegistered.type);
    for (const field of ['name', 'phone', 'wechat'] as const) {
      if (customer[field] === undefined) continue;
      for (const stored of [received.data.customer![field], registered.data[field]]) {
        expect(stored).toMatch(new RegExp(`^sealed:v2:${customerId}:[A-Za-z0-9_-]{38,}$`));
        expect(stored).not.toBe(customer[field]);
      }
    }
    return customerId;
  };

  it('opens, reads, lists, verifies and erases a ticket whose customer name and WeChat id look sealed', async () => {
    const customer = { name: foreignCiphertext('王女士'), wechat: `sealed:v1:wx_${randomUUID().slice(0, 8)}` };
    const opened = await call('POST', '/v1/tickets', desk, aTicket({ customer }));
    expect(opened.status).toBe(201);
    const customerId = await expectReadsAsTyped(opened.body.id, customer);

    // truly sealed: erasing the customer makes them unreadable, as anyone's values
    expect((await call('POST', `/v1/customers/${customerId}/erasure`, lead, { reason: 'the customer asked' })).status).toBe(200);
    expect((await call('GET', `/v1/tickets/${opened.body.id}`, agent)).body.customer).toEqual({ name: ERASED, wechat: ERASED });
    expect((await call('GET', `/v1/tickets/${opened.body.id}/history/verify`, agent)).body).toMatchObject({ valid: true });
  });

  it('refuses a phone that looks sealed over HTTP, naming the field (a phone is digits)', async () => {
    const refused = await call('POST', '/v1/tickets', desk, aTicket({ customer: { name: '王女士', phone: 'sealed:v1:13800138000' } }));
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toMatch(/phone/);
  });

  it("seals a converted lead whose name, phone and WeChat id all look sealed (the Kafka way in, sealed with the lead's key, no phone format)", async () => {
    const problem = `导播台无输出 ${randomUUID()}`;
    const customer = { name: `sealed:v1:${'A'.repeat(40)}`, phone: 'sealed:v1:+86 138 0013 8000', wechat: foreignCiphertext('wx') };
    // as the lead pool publishes it: every value sealed with the lead's own key, in the keyring
    const leadId = randomUUID();
    const leadKey = randomBytes(32);
    const keys = intake.runtime.context.get(SubjectKeys);
    await intake.runtime.dataSource.transaction((m) => keys.createAll(m, [{ subjectId: leadId, key: leadKey, at: new Date() }]));
    const sealedCustomer = sealAt({ customer }, ['/customer/name', '/customer/phone', '/customer/wechat'], leadKey, leadId) as { customer: Customer };
    const [conversion] = await publishEvents([
      {
        type: 'support.lead.converted.v1',
        streamId: leadId,
        source: 'lead-pool',
        data: { leadId, memberId: 'm-agent-wang', customer: sealedCustomer.customer, deviceModel: 'Blackmagic ATEM Mini Pro', problem, urgency: 'normal' },
      },
    ]);
    const ticketId = await waitFor('the ticket opened for the converted lead', async () => {
      const listed = await call('GET', '/v1/tickets?limit=200', agent);
      return listed.status === 200 && (listed.body.items as Array<{ id: string; problem: string }>).find((item) => item.problem === problem)?.id;
    });
    await expectReadsAsTyped(ticketId, customer);
    expect((await call('GET', `/v1/tickets/${ticketId}/history`, agent)).body[0].causationId).toBe(conversion);
  });
});
