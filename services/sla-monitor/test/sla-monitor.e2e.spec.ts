import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { serveOnFreePort, signTestToken } from '@support/service-kit';
import { dropTestSchema, everyItem, ManualClock, serviceDatabase, testInfra, uniqueSchemaName, serviceKafka } from '@support/test-kit';
import { slaMonitorService } from '../src/sla-monitor.app';
import { SlaMonitorRuntime, startSlaMonitorRuntime } from '../src/sla-monitor.providers';

const SECRET = 'sla-monitor-e2e-secret-that-is-long-enough-0123456789';

// the monitor's REST API over HTTP, with its clock moved by hand
describe('sla-monitor over HTTP', () => {
  const infra = testInfra();
  const schema = uniqueSchemaName('sla_http');
  const clock = new ManualClock(new Date('2026-11-23T02:00:00.000Z'));
  let runtime: SlaMonitorRuntime;
  let app: INestApplication;
  let url: string;
  let lead: string;
  let agent: string;

  beforeAll(async () => {
    runtime = await startSlaMonitorRuntime(
      { ...serviceDatabase('sla-monitor'), ...serviceKafka('sla-monitor'), schema, clock, tickIntervalMs: null, consumeFromBeginning: false },
      () => undefined,
    );
    ({ app, url } = await serveOnFreePort(slaMonitorService, runtime, { ...infra, jwtSecret: SECRET }));
    lead = await signTestToken(SECRET, { id: 'lead-1', role: 'lead' });
    agent = await signTestToken(SECRET, { id: 'agent-1', role: 'agent' });
  });
  afterAll(async () => {
    await app?.close();
    await dropTestSchema(schema);
  });

  const call = async (method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const feed = (type: string, data: Record<string, unknown>, occurredAt: Date) =>
    runtime.dataSource.transaction((manager) => runtime.monitor.onEvent(manager, { id: randomUUID(), type, data, occurredAt }));
  async function normalTicketAssigned(): Promise<string> {
    const ticketId = randomUUID();
    const at = clock.now();
    await feed('support.ticket.received.v1', { ticketId, urgency: 'normal', requestedAt: at.toISOString() }, at);
    await feed('support.ticket.assigned.v1', { ticketId, assignee: { id: 'agent-1', role: 'agent' }, tier: 'L1' }, at);
    return ticketId;
  }

  it("shows a ticket's clocks with the time left, and lists them as at risk, then breached", async () => {
    const ticketId = await normalTicketAssigned();
    const clocks = await call('GET', `/v1/tickets/${ticketId}/clocks`, agent);
    expect(clocks.status).toBe(200);
    const firstContact = clocks.body.find((c: { ruleId: string }) => c.ruleId === 'first-contact');
    expect(firstContact).toMatchObject({ status: 'running', remainingMinutes: 60, timeBasis: 'calendar' });

    clock.advanceMinutes(50);
    await runtime.monitor.runDue();
    const atRisk = await everyItem('/v1/clocks?status=at-risk', async (path) => (await call('GET', path, agent)).body);
    expect(atRisk.find((c: { ticketId: string; ruleId: string }) => c.ticketId === ticketId && c.ruleId === 'first-contact')).toMatchObject({
      remainingMinutes: 10,
      warned: true,
    });

    clock.advanceMinutes(15);
    await runtime.monitor.runDue();
    const breached = await everyItem('/v1/clocks?status=breached', async (path) => (await call('GET', path, agent)).body);
    expect(breached.find((c: { ticketId: string; ruleId: string }) => c.ticketId === ticketId && c.ruleId === 'first-contact')).toMatchObject({
      remainingMinutes: -5,
      breached: true,
    });
    expect((await call('GET', '/v1/clocks?status=whenever', agent)).status).toBe(400);
  });

  it('lets a lead change the policy with If-Match, refuses bad rules naming the field, and keeps the history', async () => {
    const current = await call('GET', '/v1/policies', agent);
    expect(current.body.rules.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining(['hand-over', 'first-contact', 'case-analysis']));

    const faster = current.body.rules.map((rule: { id: string; targetMinutes: unknown }) =>
      rule.id === 'first-contact' ? { ...rule, targetMinutes: { urgent: 20, normal: 45 } } : rule,
    );
    expect((await call('PUT', '/v1/policies', agent, { rules: faster, calendar: current.body.calendar })).status).toBe(403);
    const invalid = await call(
      'PUT',
      '/v1/policies',
      lead,
      { rules: [{ ...faster[0], targetMinutes: -5 }], calendar: { ...current.body.calendar, timeZone: 'Mars/Olympus' } },
      { 'If-Match': `"${current.body.version}"` },
    );
    expect(invalid.status).toBe(400);
    expect(invalid.body.message.join(' | ')).toMatch(/targetMinutes/);
    expect(invalid.body.message.join(' | ')).toMatch(/timeZone/);

    expect((await call('PUT', '/v1/policies', lead, { rules: faster, calendar: current.body.calendar })).status).toBe(428);
    const changed = await call('PUT', '/v1/policies', lead, { rules: faster, calendar: current.body.calendar }, { 'If-Match': String(current.body.version) });
    expect(changed.status).toBe(200);
    expect(changed.body.version).toBe(current.body.version + 1);
    const stale = await call('PUT', '/v1/policies', lead, { rules: faster, calendar: current.body.calendar }, { 'If-Match': String(current.body.version) });
    expect(stale.status).toBe(412);

    // new clocks follow the new policy
    const ticketId = await normalTicketAssigned();
    const clocks = await call('GET', `/v1/tickets/${ticketId}/clocks`, agent);
    expect(clocks.body.find((c: { ruleId: string }) => c.ruleId === 'first-contact').remainingMinutes).toBe(45);
    const history = await call('GET', '/v1/policies/history', agent);
    expect(history.body.at(-1)).toMatchObject({ type: 'support.sla.policy-changed.v1', actor: { id: 'lead-1', role: 'lead' } });
  });
});
