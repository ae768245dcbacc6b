import { ManualClock } from '@support/test-kit';
import { answer, clientsOf } from './support/api-clients';
import { RunningSystem, startSystem, waitFor } from './support/system-harness';

// intake, routing and sla-monitor over real HTTP, Kafka and PostgreSQL; sla-monitor's time is moved by hand
describe('an urgent ticket nobody contacts', () => {
  const slaClock = new ManualClock();
  let system: RunningSystem;
  let lead: string;
  let desk: string;

  beforeAll(async () => {
    system = await startSystem({ slaClock });
    lead = await system.token({ role: 'lead', id: 'm-lead' });
    desk = await system.token({ role: 'intake', id: 'cs-desk' });
    for (const member of [
      { memberId: 'm-agent', role: 'agent', name: 'Agent', tier: 'L1', capacity: 5 },
      { memberId: 'm-senior', role: 'senior', name: 'Senior', tier: 'L2', capacity: 5 },
    ] as const) {
      await answer(clientsOf(system, lead).routing.POST('/v1/members', { body: { ...member, skills: [], scenarios: [], onDuty: true } }), 201);
    }
  }, 60_000);

  afterAll(async () => {
    await system?.stop();
  });

  const history = (id: string) => answer(clientsOf(system, lead).intake.GET('/v1/tickets/{id}/history', { params: { path: { id } } }));
  const clocks = (id: string) => answer(clientsOf(system, lead).sla!.GET('/v1/tickets/{id}/clocks', { params: { path: { id } } }));

  it('is warned, breached and escalated to L2, every step in the ticket history', async () => {
    const { id } = await answer(
      clientsOf(system, desk).intake.POST('/v1/tickets', {
        body: {
          channel: 'phone',
          customer: { name: 'Live streamer', phone: `+86 139 ${Math.floor(10_000_000 + Math.random() * 89_999_999)}` },
          deviceModel: 'OBS streaming PC',
          problem: 'stream drops every minute during a live show',
          urgency: 'urgent',
        },
      }),
      201,
    );

    const assigned = await waitFor('the ticket assigned to the agent', async () => (await history(id)).find((h) => h.type === 'support.ticket.assigned.v1'));
    expect(assigned.data).toMatchObject({ assignee: { id: 'm-agent' } });
    const firstContact = await waitFor('the first-contact clock', async () => (await clocks(id)).find((c) => c.ruleId === 'first-contact'));
    const assignedAt = new Date(assigned.at).getTime();
    expect(new Date(firstContact.dueAt).getTime()).toBe(assignedAt + 30 * 60_000);
    expect((await clocks(id)).find((c) => c.ruleId === 'hand-over')?.status).toBe('met');

    slaClock.set(new Date(assignedAt + 25 * 60_000));
    await system.sla!.runtime.monitor.runDue();
    expect((await clocks(id)).find((c) => c.ruleId === 'first-contact')).toMatchObject({ warned: true, breached: false, remainingMinutes: 5 });

    slaClock.set(new Date(assignedAt + 31 * 60_000));
    await system.sla!.runtime.monitor.runDue();
    await system.sla!.runtime.monitor.runDue();

    const escalated = await waitFor('the escalation to L2', async () => {
      const steps = await history(id);
      return steps.some((h) => h.type === 'support.ticket.escalated.v1') && steps;
    });
    const types = escalated.map((h) => h.type);
    expect(types).toEqual([
      'support.ticket.received.v1',
      'support.ticket.assigned.v1',
      'support.ticket.sla-breached.v1',
      'support.ticket.escalation-requested.v1',
      'support.ticket.escalated.v1',
    ]);
    const [, , breach, request, escalation] = escalated;
    expect(breach).toMatchObject({ actor: { id: 'sla-monitor', role: 'service' }, data: { ruleId: 'first-contact', lateByMinutes: 1 } });
    expect(request).toMatchObject({
      actor: { id: 'sla-monitor', role: 'service' },
      causationId: breach.causationId,
      data: { fromTier: 'L1', reason: expect.stringMatching(/first-contact/) },
    });
    expect(escalation).toMatchObject({ actor: { id: 'routing', role: 'service' }, data: { toTier: 'L2', assignee: { id: 'm-senior' } } });
    // the breach was recorded once, even though the monitor looked twice
    const breaches = await system.sla!.runtime.dataSource.query(
      `SELECT count(*)::int AS n FROM "${system.sla!.schema}".events WHERE type = 'support.sla.clock-breached.v1' AND data->>'ticketId' = $1`,
      [id],
    );
    expect(breaches[0].n).toBe(1);
  });
});
