import { randomUUID } from 'node:crypto';
import { Actor } from '@support/contracts';
import { publishEvents, waitFor } from '@support/test-kit';
import { aTicket, RunningIntake, startIntake } from './support/intake-harness';

const ROUTING: Actor = { id: 'routing', role: 'service' };

// contractors read and work only tickets dispatched to them: by role and id, checked where the command is decided
describe('intake contractor scope', () => {
  let intake: RunningIntake;
  let desk: string;

  beforeAll(async () => {
    intake = await startIntake();
    desk = await intake.token({ role: 'intake', id: 'cs-desk-1' });
  }, 60_000);

  afterAll(async () => {
    await intake?.stop();
  });

  const call: RunningIntake['call'] = (...args) => intake.call(...args);

  /** a ticket routing assigned (or dispatched, for a contractor) to `assignee` */
  async function ticketAssignedTo(assignee: { id: string; role: 'agent' | 'contractor' }): Promise<string> {
    const { body: opened } = await call('POST', '/v1/tickets', desk, aTicket({ triage: { scenario: 'printer-driver-reinstall', difficulty: 'fixed-scenario' } }));
    await publishEvents([
      {
        type: 'support.routing.assignment-decided.v1',
        streamId: opened.id,
        source: 'routing',
        data: { ticketId: opened.id, assignee, tier: 'L1', mode: 'automatic', reason: 'test', scenario: 'printer-driver-reinstall' },
      },
    ]);
    await waitFor('the assignment', async () => (await intake.runtime.queries.ticket(opened.id, ROUTING))?.assignee?.id === assignee.id);
    return opened.id;
  }

  it('hides from a contractor the ticket of a member of staff who shares their id, as if it did not exist', async () => {
    const sharedId = `m-shared-${randomUUID().slice(0, 8)}`;
    const id = await ticketAssignedTo({ id: sharedId, role: 'agent' });
    const agent = await intake.token({ role: 'agent', id: sharedId });
    const contractor = await intake.token({ role: 'contractor', id: sharedId });
    expect((await call('GET', `/v1/tickets/${id}`, agent)).status).toBe(200);

    const missing = randomUUID();
    for (const [method, suffix, body] of [
      ['GET', '', undefined],
      ['GET', '/history', undefined],
      ['POST', '/contact', { channel: 'phone' }],
    ] as const) {
      const hidden = await call(method, `/v1/tickets/${id}${suffix}`, contractor, body);
      const absent = await call(method, `/v1/tickets/${missing}${suffix}`, contractor, body);
      expect([suffix, hidden.status, hidden.body.message.replace(id, '<id>')]).toEqual([suffix, 404, absent.body.message.replace(missing, '<id>')]);
    }
    expect((await call('GET', `/v1/tickets?assignee=${sharedId}`, contractor)).body.items).toEqual([]);
    expect((await call('GET', `/v1/tickets?assignee=${sharedId}`, agent)).body.items.map((t: { id: string }) => t.id)).toContain(id);
  });

  it('checks the dispatch in the command’s transaction: a ticket reassigned while the command waits is not the contractor’s to work', async () => {
    const contractorId = `c-${randomUUID().slice(0, 8)}`;
    const id = await ticketAssignedTo({ id: contractorId, role: 'contractor' });
    const contractor = await intake.token({ role: 'contractor', id: contractorId });
    const { runtime } = intake;

    let contact: Promise<{ status: number; body: { message?: string } }> | undefined;
    await runtime.dataSource.transaction(async (manager) => {
      // a lead's reassignment, appended but not committed yet: the contractor's command waits on the ticket's stream
      const reassigned = await runtime.commands.executeIn(
        manager,
        id,
        (at) => ({ type: 'Assign', ticketId: id, assignee: { id: 'agent-1', role: 'agent' }, tier: 'L1', actor: ROUTING, at }),
        { actor: ROUTING },
      );
      expect(reassigned.ok).toBe(true);
      contact = call('POST', `/v1/tickets/${id}/contact`, contractor, { channel: 'phone' });
      await waitFor('the contact waiting on the stream lock', async () => {
        const [{ waiting }] = await runtime.dataSource.query(`SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'`);
        return waiting > 0;
      });
    });

    expect(await contact).toEqual({ status: 404, body: expect.objectContaining({ message: `ticket ${id} not found` }) });
    const history = (await call('GET', `/v1/tickets/${id}/history`, await intake.token({ role: 'lead', id: 'lead-1' }))).body;
    expect(history.map((entry: { type: string }) => entry.type)).not.toContain('support.ticket.contacted.v1');
  });
});
