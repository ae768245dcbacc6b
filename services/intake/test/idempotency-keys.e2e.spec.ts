import { randomUUID } from 'node:crypto';
import { ManualClock, publishEvents, waitFor } from '@support/test-kit';
import { aTicket, jsonRequest, RunningIntake, startIntake } from './support/intake-harness';

// Idempotency-Key (draft-ietf-httpapi-idempotency-key-header): a key is its caller's own, bound to one body, for 24 h
describe('intake Idempotency-Key', () => {
  const clock = new ManualClock();
  let intake: RunningIntake;
  let desk: string;

  beforeAll(async () => {
    intake = await startIntake({ clock });
    desk = await intake.token({ role: 'intake', id: 'cs-desk-1' });
  }, 60_000);

  afterAll(async () => {
    await intake?.stop();
  });

  const open = async (token: string, body: unknown, key: string) => {
    const response = await jsonRequest(`${intake.url}/v1/tickets`, token, 'POST', body, { 'Idempotency-Key': key });
    return { status: response.status, replayed: response.headers.get('idempotent-replayed'), body: await response.json() };
  };
  const storedKeys = async (key: string): Promise<number> =>
    (await intake.runtime.dataSource.query(`SELECT count(*)::int AS n FROM "${intake.schema}".idempotency_keys WHERE key = $1`, [key]))[0].n;

  it('gives two callers who send the same key and body a ticket each: a key is its caller’s own', async () => {
    const key = `shared-${randomUUID()}`;
    const body = aTicket();
    const other = await intake.token({ role: 'intake', id: 'partner-portal' });
    const mine = await open(desk, body, key);
    const theirs = await open(other, body, key);
    expect([mine.status, theirs.status, theirs.replayed]).toEqual([201, 201, null]);
    expect(theirs.body.id).not.toBe(mine.body.id);
    // each caller's retry still gets their own first answer
    expect(await open(other, body, key)).toEqual({ status: 201, replayed: 'true', body: theirs.body });
    expect(await open(desk, body, key)).toEqual({ status: 201, replayed: 'true', body: mine.body });
  });

  it('answers 422 naming Idempotency-Key when the caller reuses a key with another body, and opens nothing', async () => {
    const key = `reused-${randomUUID()}`;
    const body = aTicket();
    const first = await open(desk, body, key);
    expect(first.status).toBe(201);
    const reused = await open(desk, { ...body, problem: '屏幕闪烁' }, key);
    expect([reused.status, reused.body.message]).toEqual([422, 'Idempotency-Key was already used with a different body']);
    const [{ n }] = await intake.runtime.dataSource.query(
      `SELECT count(*)::int AS n FROM "${intake.schema}".events WHERE type = 'support.ticket.received.v1' AND data->>'problem' = '屏幕闪烁'`,
    );
    expect(n).toBe(0);
  });

  it('honours the key on a command too: a retry answers the first result and records nothing; the key on another body or ticket is 422', async () => {
    const agent = await intake.token({ role: 'agent', id: 'agent-1' });
    const ticketOf = async () => {
      const { body: opened } = await intake.call('POST', '/v1/tickets', desk, aTicket());
      await publishEvents([
        {
          type: 'support.routing.assignment-decided.v1',
          streamId: opened.id,
          source: 'routing',
          data: { ticketId: opened.id, assignee: { id: 'agent-1', role: 'agent' }, tier: 'L1', mode: 'automatic', reason: 'test' },
        },
      ]);
      await waitFor('the assignment', async () => (await intake.call('GET', `/v1/tickets/${opened.id}`, agent)).body.state === 'assigned');
      return opened.id as string;
    };
    const [id, other] = [await ticketOf(), await ticketOf()];
    const key = `contact-${randomUUID()}`;
    const contact = async (token: string, ticketId: string, body: unknown) => {
      const response = await jsonRequest(`${intake.url}/v1/tickets/${ticketId}/contact`, token, 'POST', body, { 'Idempotency-Key': key });
      return { status: response.status, replayed: response.headers.get('idempotent-replayed'), etag: response.headers.get('etag'), body: await response.json() };
    };

    const first = await contact(agent, id, { channel: 'phone' });
    expect(first).toMatchObject({ status: 200, replayed: null, body: { id, state: 'contacted' } });
    // run again, the command would be refused (already contacted): the retry gets the first answer instead
    expect(await contact(agent, id, { channel: 'phone' })).toEqual({ ...first, replayed: 'true' });
    expect((await contact(agent, id, { channel: 'wechat' })).status).toBe(422);
    expect((await contact(agent, other, { channel: 'phone' })).body.message).toBe('Idempotency-Key was already used with a different body');
    // another caller's same key is theirs: their command runs, and is refused on its own merits
    const lead = await intake.token({ role: 'lead', id: 'lead-1' });
    expect(await contact(lead, id, { channel: 'phone' })).toMatchObject({ status: 409, replayed: null });
    const history = (await intake.call('GET', `/v1/tickets/${id}/history`, agent)).body;
    expect(history.filter((entry: { type: string }) => entry.type === 'support.ticket.contacted.v1')).toHaveLength(1);
  });

  it('treats a key older than its time to live (24 h) as new, and deletes expired keys as others are stored', async () => {
    const key = `expiring-${randomUUID()}`;
    const body = aTicket();
    const first = await open(desk, body, key);
    clock.advanceMinutes(24 * 60 - 1);
    expect(await open(desk, body, key)).toMatchObject({ status: 201, replayed: 'true', body: first.body });

    clock.advanceMinutes(2);
    const again = await open(desk, body, key);
    expect([again.status, again.replayed]).toEqual([201, null]);
    expect(again.body.id).not.toBe(first.body.id);
    // the new answer replaced the expired one under the key
    expect(await open(desk, { ...body, problem: '另一个问题' }, key)).toMatchObject({ status: 422 });
    expect(await storedKeys(key)).toBe(1);

    // a day later another key's answer is stored: the expired ones go on its way
    clock.advanceMinutes(24 * 60 + 1);
    expect((await open(desk, aTicket(), `sweeper-${randomUUID()}`)).status).toBe(201);
    expect(await storedKeys(key)).toBe(0);
  });
});
