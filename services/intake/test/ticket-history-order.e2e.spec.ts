import { randomUUID } from 'node:crypto';
import { publishEvents, waitFor } from '@support/test-kit';
import { aTicket, jsonRequest, RunningIntake, startIntake } from './support/intake-harness';

type Entry = { seq: number; type: string; at: string; occurredAt: string; causationId: string | null; data: { step?: string } };

// a ticket's history is in the order intake recorded it; ?order=occurred gives the order things happened
describe('GET /v1/tickets/:id/history?order=', () => {
  let intake: RunningIntake;
  let agent: string;
  let desk: string;

  beforeAll(async () => {
    intake = await startIntake();
    agent = await intake.token({ role: 'agent', id: 'agent-1' });
    desk = await intake.token({ role: 'intake', id: 'cs-desk-1' });
  }, 60_000);

  afterAll(async () => {
    await intake?.stop();
  });

  const history = async (ticketId: string, query = '') => {
    const response = await jsonRequest(`${intake.url}/v1/tickets/${ticketId}/history${query}`, agent, 'GET');
    return { status: response.status, body: await response.json() };
  };

  it('answers in recorded order by default and by when each step happened with order=occurred, each entry naming its cause and its time', async () => {
    const opened = await jsonRequest(`${intake.url}/v1/tickets`, desk, 'POST', aTicket());
    expect(opened.status).toBe(201);
    const { id: ticketId } = await opened.json();
    const visitId = randomUUID();
    const sheetId = randomUUID();
    const t0 = Date.now() - 60 * 60_000;

    // the sheet's step reaches intake first although the visit's happened first (two topics: either may)
    const [rejected] = await publishEvents([
      { type: 'support.sheet.rejected.v1', streamId: sheetId, source: 'field-service', occurredAt: new Date(t0 + 20 * 60_000), data: { sheetId, ticketId, reason: 'no photo' } },
    ]);
    await waitFor('the sheet step', async () => (await history(ticketId)).body.some((e: Entry) => e.causationId === rejected));
    const [requested] = await publishEvents([
      { type: 'support.visit.requested.v1', streamId: visitId, source: 'field-service', occurredAt: new Date(t0 + 10 * 60_000), data: { visitId, ticketId, reason: 'on site' } },
    ]);
    await waitFor('the visit step', async () => (await history(ticketId)).body.some((e: Entry) => e.causationId === requested));

    // only this test's entries: a routing running elsewhere on the shared broker may assign the ticket meanwhile
    const ours = (entries: Entry[]) => entries.filter((e) => e.seq === 1 || e.causationId === rejected || e.causationId === requested);
    const recorded: Entry[] = (await history(ticketId)).body;
    expect(ours(recorded).map((e) => [e.type, e.causationId])).toEqual([
      ['support.ticket.received.v1', null],
      ['support.ticket.field-service-recorded.v2', rejected],
      ['support.ticket.field-service-recorded.v2', requested],
    ]);
    expect(recorded.map((e) => e.seq)).toEqual(recorded.map((_, i) => i + 1));
    expect((await history(ticketId, '?order=recorded')).body).toEqual(recorded);
    // a step another service announced carries that event's time; the ticket's own events, their own
    expect(ours(recorded).map((e) => e.occurredAt)).toEqual([recorded[0].at, new Date(t0 + 20 * 60_000).toISOString(), new Date(t0 + 10 * 60_000).toISOString()]);

    const occurred = await history(ticketId, '?order=occurred');
    expect(occurred.status).toBe(200);
    expect(ours(occurred.body).map((e) => e.data.step ?? e.type)).toEqual(['visit-requested', 'sheet-rejected', 'support.ticket.received.v1']);
    const times = (occurred.body as Entry[]).map((e) => Date.parse(e.occurredAt));
    expect(times).toEqual([...times].sort((x, y) => x - y));
    // the same entries, hashes and all: only their order differs
    expect([...occurred.body].sort((x: Entry, y: Entry) => x.seq - y.seq).slice(0, recorded.length)).toEqual(recorded);
  });

  it.each(['newest', 'OCCURRED', ''])('refuses order=%s with a 400 naming order and its values', async (order) => {
    const opened = await jsonRequest(`${intake.url}/v1/tickets`, desk, 'POST', aTicket());
    const { id } = await opened.json();
    const refused = await history(id, `?order=${order}`);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('order must be one of: recorded, occurred');
  });
});
