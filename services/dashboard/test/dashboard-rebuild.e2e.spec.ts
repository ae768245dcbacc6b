import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { serveOnFreePort, signTestTokens } from '@support/service-kit';
import { dropTestSchema, everyItem, jsonRequest, publishEvents, testInfra, uniqueSchemaName, waitFor, serviceDatabase, serviceKafka } from '@support/test-kit';
import { dashboardService } from '../src/dashboard.app';
import { DashboardRuntime, startDashboardRuntime } from '../src/dashboard.providers';

const SECRET = 'dashboard-rebuild-secret-that-is-long-enough-0123456789';
const at = (minutes: number) => new Date(Date.parse('2031-04-07T01:00:00Z') + minutes * 60_000).toISOString();

// projections are disposable: a dashboard reading every topic from offset 0, dropped and replayed, gives the same rows
describe('dashboard projections rebuilt from offset 0', () => {
  const infra = testInfra();
  const schema = uniqueSchemaName('dash_rebuild');
  let runtime: DashboardRuntime;
  let app: INestApplication;
  let url: string;
  let tokens: Record<string, string> = {};

  beforeAll(async () => {
    runtime = await startDashboardRuntime({ ...infra, ...serviceDatabase('dashboard'), ...serviceKafka('dashboard'), schema }, () => undefined);
    ({ app, url } = await serveOnFreePort(dashboardService, runtime, { ...infra, jwtSecret: SECRET }));
    tokens = await signTestTokens(SECRET, { lead: { id: 'm-lead', role: 'lead' }, analyst: { id: 'ops', role: 'analyst' }, agent: { id: 'm-agent', role: 'agent' } });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await dropTestSchema(schema);
  });

  const call = async (method: string, path: string, who = 'analyst') => {
    const response = await jsonRequest(`${url}${path}`, tokens[who], method);
    return { status: response.status, body: await response.json() };
  };
  const caughtUp = async () => (await call('GET', '/v1/projections/status')).body.caughtUp === true;

  it('drops the read models, replays every topic and reaches the same checksum', async () => {
    const [ticketId, customerId, leadId] = [randomUUID(), randomUUID(), randomUUID()];
    const clockId = `ticket:${ticketId}:first-contact`;
    // an assignee of this test's own, so the queue filtered by it is this ticket, however full the topics are
    const agent = { id: `m-agent-${ticketId.slice(0, 8)}`, role: 'agent' };
    const ticket = (type: string, data: object, minute: number) => ({ type, source: 'intake', streamId: ticketId, data: { ticketId, ...data }, occurredAt: new Date(at(minute)) });
    await publishEvents([
      ticket(
        'support.ticket.received.v1',
        {
          customerId,
          customer: { name: '李先生', wechat: 'li_rebuild' },
          channel: 'wechat',
          deviceModel: 'ThinkPad X1',
          problem: '无法开机',
          urgency: 'normal',
          requestedAt: at(0),
          receivedAt: at(0),
        },
        0,
      ),
      ticket('support.ticket.assigned.v1', { assignee: agent, tier: 'L1' }, 2),
      {
        type: 'support.sla.clock-started.v1',
        source: 'sla-monitor',
        streamId: clockId,
        data: {
          clockId,
          ruleId: 'first-contact',
          subject: { type: 'ticket', id: ticketId },
          ticketId,
          startedAt: at(2),
          dueAt: at(62),
          warnAt: at(50),
          timeBasis: 'calendar',
          targetMinutes: 60,
          urgency: 'normal',
        },
        occurredAt: new Date(at(2)),
      },
      ticket('support.ticket.contacted.v1', { channel: 'wechat', contactedAt: at(20) }, 20),
      // the agent's name (roster topic) and a lead back in the pool (leads topic)
      {
        type: 'support.member.registered.v1',
        source: 'routing',
        streamId: agent.id,
        data: { memberId: agent.id, role: 'agent', name: '赵敏', tier: 'L1', skills: [], scenarios: [], capacity: 5 },
        occurredAt: new Date(at(0)),
      },
      ...[
        [
          'support.lead.captured.v1',
          { source: { memberId: agent.id, platform: 'wechat', account: 'zm' }, customerHandle: 'rebuild', contact: { wechat: `wx_${leadId.slice(0, 8)}` }, via: 'rest' },
          3,
        ],
        ['support.lead.allocated.v1', { memberId: agent.id, policyVersion: 1, acceptBy: at(33) }, 3],
        ['support.lead.returned.v1', { memberId: agent.id, why: 'declined' }, 5],
      ].map(([type, data, minute]) => ({
        type: type as string,
        source: 'lead-pool',
        streamId: leadId,
        data: { leadId, ...(data as object) },
        occurredAt: new Date(at(minute as number)),
      })),
    ]);
    // everything on the topics, this test's events included, projected
    const named = async () =>
      (await everyItem('/v1/team', async (path) => (await call('GET', path)).body)).some((m: { memberId: string; name: string }) => m.memberId === agent.id && m.name === '赵敏');
    const leadIn = async () => (await runtime.tables.leadsById(runtime.dataSource, [leadId])).get(leadId)?.status === 'pooled';
    await waitFor(
      'the dashboard to catch up with every topic',
      async () => (await caughtUp()) && (await call('GET', `/v1/customers/${customerId}/timeline`)).body.length === 3 && (await named()) && (await leadIn()),
      { timeoutMs: 120_000, intervalMs: 200 },
    );
    const before = (await call('GET', '/v1/projections/checksum')).body;
    expect(before.rows).toMatchObject({ queue: expect.any(Number), timeline: expect.any(Number), members: expect.any(Number), leads: expect.any(Number) });
    expect(Math.min(before.rows.queue, before.rows.members, before.rows.leads)).toBeGreaterThanOrEqual(1);

    expect((await call('POST', '/v1/projections/rebuild', 'analyst')).status).toBe(403);
    expect((await call('POST', '/v1/projections/rebuild', 'agent')).status).toBe(403);
    const started = Date.now();
    expect(await call('POST', '/v1/projections/rebuild', 'lead')).toEqual({ status: 202, body: { rebuilding: true } });
    await waitFor('the replay to catch up', caughtUp, { timeoutMs: 120_000, intervalMs: 200 });
    const after = (await call('GET', '/v1/projections/checksum')).body;
    const seconds = (Date.now() - started) / 1000;
    console.log(`rebuild: ${Object.values(after.rows as Record<string, number>).reduce((a, b) => a + b, 0)} rows in ${seconds.toFixed(1)} s`);
    expect(after).toEqual(before);
    // the names and the pool were replayed too
    expect(await named()).toBe(true);
    expect((await runtime.tables.leadsById(runtime.dataSource, [leadId])).get(leadId)).toMatchObject({ status: 'pooled', pooledSince: at(5) });
    expect((await call('GET', `/v1/queue?assignee=${agent.id}`)).body.items).toMatchObject([
      {
        ticketId,
        customerId,
        state: 'contacted',
        assignee: agent,
        nextDeadline: { clockId, ruleId: 'first-contact', dueAt: at(62) },
      },
    ]);
  }, 300_000);
});
