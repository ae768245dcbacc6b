import { randomUUID } from 'node:crypto';
import { aTicket, jsonRequest, RunningIntake, startIntake } from './support/intake-harness';

// many tickets opened at once share transactions (group commit): each must be answered as if it had been alone
describe('tickets opened at the same time', () => {
  let intake: RunningIntake;
  let desk: string;
  let lead: string;

  beforeAll(async () => {
    intake = await startIntake();
    desk = await intake.token({ role: 'intake', id: 'cs-desk-1' });
    lead = await intake.token({ role: 'lead', id: 'lead-1' });
  }, 60_000);

  afterAll(async () => {
    await intake?.stop();
  });

  const post = (body: unknown, headers?: Record<string, string>) => jsonRequest(`${intake.url}/v1/tickets`, desk, 'POST', body, headers);
  const rows = (sql: string, params: unknown[]) => intake.runtime.dataSource.query(sql.replaceAll('$schema', `"${intake.schema}"`), params);

  it('registers each new customer once, replays a repeated key, refuses a reused key and bad input, and opens the rest', async () => {
    const phone = `+86 137 ${Math.floor(10_000_000 + Math.random() * 89_999_999)}`;
    const wechat = `together_${randomUUID().slice(0, 8)}`;
    const key = `together-${randomUUID()}`;
    const keyed = aTicket({ customer: { name: '同时', wechat: `${wechat}_k` } });
    const responses = await Promise.all([
      // the same new customer, by phone, by WeChat id, and by both
      ...Array.from({ length: 8 }, () => post(aTicket({ customer: { name: '同时', phone } }))),
      ...Array.from({ length: 4 }, () => post(aTicket({ customer: { name: '同时', wechat } }))),
      post(aTicket({ customer: { name: '同时', phone, wechat } })),
      // one Idempotency-Key five times with its body, once with another
      ...Array.from({ length: 5 }, () => post(keyed, { 'Idempotency-Key': key })),
      post({ ...keyed, problem: 'another body' }, { 'Idempotency-Key': key }),
      post(aTicket({ urgency: 'whenever' })),
      ...Array.from({ length: 10 }, (_, i) => post(aTicket({ customer: { name: `客户 ${i}`, wechat: `${wechat}_${i}` } }))),
    ]);
    const statuses = responses.map((r) => r.status);
    const bodies = await Promise.all(responses.map((r) => r.json()));
    expect(statuses.slice(0, 13)).toEqual(Array(13).fill(201));
    // the keyed ones: one ticket, the others replay it; the other body is refused, the keyed ticket is not opened twice
    const keyedIds = new Set(bodies.slice(13, 18).map((b) => b.id));
    expect(keyedIds.size).toBe(1);
    expect(statuses.slice(13, 18).every((s) => s === 201)).toBe(true);
    expect(statuses[18]).toBe(422);
    expect(statuses[19]).toBe(400);
    expect(bodies[19].message.join(' ')).toMatch(/urgency/);
    expect(statuses.slice(20)).toEqual(Array(10).fill(201));

    const ticketIds = [...bodies.slice(0, 13).map((b) => b.id), ...keyedIds, ...bodies.slice(20).map((b) => b.id)];
    expect(new Set(ticketIds).size).toBe(24);
    const received = await rows(`SELECT stream_id, data->>'customerId' AS customer FROM $schema.events WHERE type = 'support.ticket.received.v1' AND stream_id = ANY($1::text[])`, [
      ticketIds,
    ]);
    expect(received).toHaveLength(24);
    // one customer per contact: the eight by phone share one, the four by WeChat id share one (the same one
    // only if the ticket naming both came first), each registered once
    const customerOf = new Map(received.map((r: { stream_id: string; customer: string }) => [r.stream_id, r.customer]));
    const byPhone = new Set(ticketIds.slice(0, 8).map((id) => customerOf.get(id)));
    const byWechat = new Set(ticketIds.slice(8, 12).map((id) => customerOf.get(id)));
    expect(byPhone.size).toBe(1);
    expect(byWechat.size).toBe(1);
    expect([...byPhone, ...byWechat]).toContain(customerOf.get(ticketIds[12]));
    const registered = await rows(
      `SELECT stream_id, count(*)::int AS n FROM $schema.events WHERE type = 'support.customer.registered.v1' AND stream_id = ANY($1::text[]) GROUP BY 1`,
      [[...new Set([...byPhone, ...byWechat])]],
    );
    expect(registered.map((r: { n: number }) => r.n)).toEqual(new Array(new Set([...byPhone, ...byWechat]).size).fill(1));
    // they did share transactions
    const transactions = await rows(`SELECT count(DISTINCT transaction_id)::int AS n FROM $schema.events WHERE stream_id = ANY($1::text[])`, [ticketIds]);
    expect(transactions[0].n).toBeLessThan(24);
    // every opened ticket is in the view, and every chain verifies
    for (const id of ticketIds) {
      const verify = await jsonRequest(`${intake.url}/v1/tickets/${id}/history/verify`, lead, 'GET');
      expect(await verify.json()).toMatchObject({ valid: true, length: 1 });
    }
  });
});
