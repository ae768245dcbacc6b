import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { serveOnFreePort, signTestTokens } from '@support/service-kit';
import { dropTestSchema, everyItem, jsonRequest, ManualClock, publishEvents, testInfra, uniqueSchemaName, waitFor, serviceDatabase, serviceKafka } from '@support/test-kit';
import { dashboardService } from '../src/dashboard.app';
import { DashboardRuntime, startDashboardRuntime } from '../src/dashboard.providers';
import { receivedData } from './support/published-events';

const SECRET = 'dashboard-e2e-secret-that-is-long-enough-0123456789';
// a week no other test writes to: the weekly figures are exactly this test's events
const MONDAY = Date.parse('2031-03-03T01:00:00Z'); // 09:00 in Shanghai, ISO week 2031-W10
const at = (minutes: number) => new Date(MONDAY + minutes * 60_000);

// the dashboard alone over real HTTP, PostgreSQL and Kafka; the events are published as intake and sla-monitor would
describe('dashboard', () => {
  const infra = testInfra();
  const schema = uniqueSchemaName('dash');
  const clock = new ManualClock(at(50));
  let runtime: DashboardRuntime;
  let app: INestApplication;
  let url: string;
  let tokens: Record<string, string> = {};

  beforeAll(async () => {
    runtime = await startDashboardRuntime({ ...infra, ...serviceDatabase('dashboard'), ...serviceKafka('dashboard'), schema, clock, consumeFromBeginning: false }, () => undefined);
    ({ app, url } = await serveOnFreePort(dashboardService, runtime, { ...infra, jwtSecret: SECRET }));
    tokens = await signTestTokens(SECRET, { lead: { id: 'm-lead', role: 'lead' }, analyst: { id: 'ops', role: 'analyst' }, contractor: { id: 'c-zhou', role: 'contractor' } });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await dropTestSchema(schema);
  });

  const get = async (path: string, who = 'analyst') => {
    const response = await jsonRequest(`${url}${path}`, tokens[who], 'GET');
    return { status: response.status, text: await response.text(), type: response.headers.get('content-type'), disposition: response.headers.get('content-disposition') };
  };
  const json = async (path: string) => JSON.parse((await get(path)).text);
  const every = (path: string) => everyItem(path, json);

  it('projects a ticket into the queue, the SLA board and its customer timeline, and folds the week into KPIs and the CSV report', async () => {
    const [ticketId, customerId] = [randomUUID(), randomUUID()];
    const agent = { id: `agent-${ticketId.slice(0, 6)}`, role: 'agent' as const };
    // the roster names the agent (routing publishes it on its own topic)
    await publishEvents([
      {
        type: 'support.member.registered.v1',
        source: 'routing',
        streamId: agent.id,
        data: { memberId: agent.id, role: 'agent', name: '张伟', tier: 'L1', skills: [], scenarios: [], capacity: 5 },
      },
    ]);
    const clockId = `ticket:${ticketId}:first-contact`;
    const ticket = (type: string, data: object, minute: number) => ({ type, source: 'intake', streamId: ticketId, data: { ticketId, ...data }, occurredAt: at(minute) });
    const sla = (type: string, data: object, minute: number) => ({
      type,
      source: 'sla-monitor',
      streamId: clockId,
      data: { clockId, ruleId: 'first-contact', subject: { type: 'ticket', id: ticketId }, ticketId, ...data },
      occurredAt: at(minute),
    });
    await publishEvents([
      ticket('support.ticket.received.v1', receivedData(customerId, 'urgent', at(0)), 0),
      ticket('support.ticket.assigned.v1', { assignee: agent, tier: 'L1' }, 1),
      sla(
        'support.sla.clock-started.v1',
        { startedAt: at(1).toISOString(), dueAt: at(31).toISOString(), warnAt: at(25).toISOString(), timeBasis: 'calendar', targetMinutes: 30, urgency: 'urgent' },
        1,
      ),
      sla('support.sla.clock-warned.v1', { at: at(25).toISOString(), dueAt: at(31).toISOString(), remainingMinutes: 6 }, 25),
    ]);
    const queued = await waitFor('the ticket assigned in the queue', async () =>
      (await every('/v1/queue')).find((t: { ticketId: string; state: string }) => t.ticketId === ticketId && t.state === 'assigned'),
    );
    expect(queued).toMatchObject({ ticketId, customerId, state: 'assigned', urgency: 'urgent', tier: 'L1', assignee: agent, deviceModel: 'Dell XPS 15' });
    const board = await waitFor('the clock at risk', async () =>
      (await every('/v1/sla-board')).find((c: { clockId: string; warned: boolean; breached: boolean }) => c.clockId === clockId && c.warned && !c.breached),
    );
    expect(board).toMatchObject({ ruleId: 'first-contact', ticketId, status: 'running', warned: true, breached: false, dueAt: at(31).toISOString() });

    await publishEvents([
      sla('support.sla.clock-breached.v1', { at: at(33).toISOString(), dueAt: at(31).toISOString(), lateByMinutes: 2, action: 'escalate' }, 33),
      ticket('support.ticket.contacted.v1', { channel: 'phone', contactedAt: at(40).toISOString() }, 40),
      sla('support.sla.clock-met.v1', { at: at(40).toISOString(), withinTarget: false, remainingMinutes: -9 }, 40),
      ticket('support.ticket.resolved.v1', { resolution: '切换 AHCI 驱动', remote: true }, 45),
      ticket('support.ticket.feedback-given.v1', { satisfaction: 4 }, 50),
    ]);
    await waitFor('the feedback in the timeline', async () => (await json(`/v1/customers/${customerId}/timeline`)).length === 5);
    const timeline = await json(`/v1/customers/${customerId}/timeline`);
    expect(timeline.map((e: { type: string }) => e.type.replace('support.ticket.', ''))).toEqual([
      'received.v1',
      'assigned.v1',
      'contacted.v1',
      'resolved.v1',
      'feedback-given.v1',
    ]);
    expect((await every('/v1/queue')).some((t: { ticketId: string }) => t.ticketId === ticketId)).toBe(false);
    expect((await every('/v1/queue?state=resolved')).find((t: { ticketId: string }) => t.ticketId === ticketId)).toMatchObject({ state: 'resolved' });

    // the clock's topic is read apart from the tickets': wait for its outcome too
    const week = await waitFor('the clock decided in the week', async () => {
      const report = await json('/v1/kpis/weekly?week=2031-W10');
      return report.slaCompliance.length > 0 && report;
    });
    // the roster's topic is read apart from the tickets' too
    await waitFor('the agent named', async () => (await every('/v1/team')).some((m: { memberId: string }) => m.memberId === agent.id));
    expect((await json('/v1/team')).timeZone).toBe('Asia/Shanghai');
    const member = (await json('/v1/kpis/weekly?week=2031-W10')).members.find((m: { memberId: string }) => m.memberId === agent.id);
    // one ticket: assigned, contacted late (breached), resolved remotely, rated 4
    expect(member).toEqual({
      memberId: agent.id,
      name: '张伟',
      assigned: 1,
      responseRate: 0,
      resolved: 1,
      resolutionRate: 1,
      firstContactResolution: 1,
      csat: 4,
      feedbackCount: 1,
      escalations: 0,
      breaches: 1,
    });
    expect(week.slaCompliance).toEqual([{ ruleId: 'first-contact', met: 0, breached: 1, compliance: 0 }]);
    // met (late): off the board
    expect((await every('/v1/sla-board')).some((c: { clockId: string }) => c.clockId === clockId)).toBe(false);
    const csv = await get('/v1/reports/weekly.csv?week=2031-W10');
    expect(csv.type).toMatch(/text\/csv/);
    expect(csv.disposition).toBe('attachment; filename="weekly-report-2031-W10.csv"');
    // the member by id and name, rates as 4-decimal fractions and counts as integers, and the SLA rule the JSON has
    const lines = csv.text.split('\n');
    expect(lines[0]).toBe(
      'week,section,id,name,assigned,responseRate,resolved,resolutionRate,firstContactResolution,csat,feedbackCount,escalations,breaches,slaMet,slaBreached,slaCompliance,leadsContributed,leadsReceived,leadsExpected',
    );
    expect(lines).toContain(`2031-W10,member,${agent.id},张伟,1,0.0000,1,1.0000,1.0000,4.00,1,0,1,,,,,,`);
    expect(lines).toContain('2031-W10,sla-rule,first-contact,,,,,,,,,,,0,1,0.0000,,,');
    expect((await get('/v1/kpis/weekly?week=2031-10')).status).toBe(400);
  });

  it('counts the leads waiting in the pool, and how long the longest-waiting one has, from the leads topic', async () => {
    // dated long before any other test's leads, so the oldest waiting lead is this test's while it waits
    const t0 = Date.parse('2001-01-01T00:00:00Z');
    const hour = (n: number) => new Date(t0 + n * 3_600_000);
    const [first, second] = [randomUUID(), randomUUID()];
    const leadEvent = (leadId: string, type: string, data: object, at: Date) => ({ type, source: 'lead-pool', streamId: leadId, data: { leadId, ...data }, occurredAt: at });
    const captured = (leadId: string, at: Date) =>
      leadEvent(
        leadId,
        'support.lead.captured.v1',
        { source: { memberId: 'm-li', platform: 'douyin', account: '@li' }, customerHandle: leadId, contact: { wechat: `wx_${leadId.slice(0, 8)}` }, via: 'rest' },
        at,
      );
    const allocated = (leadId: string, memberId: string, at: Date) =>
      leadEvent(leadId, 'support.lead.allocated.v1', { memberId, policyVersion: 1, acceptBy: hour(10).toISOString() }, at);
    const pool = async () => json('/v1/lead-pool');

    // the first waits from its capture; the second is given out at once
    await publishEvents([captured(first, hour(0)), captured(second, hour(1)), allocated(second, 'm-wang', hour(1))]);
    const waiting = await waitFor('the first lead waiting', async () => {
      const now = await pool();
      return now.oldestWaitingSince === hour(0).toISOString() && now;
    });
    expect(waiting).toEqual({
      at: clock.now().toISOString(),
      waiting: expect.any(Number),
      oldestWaitingSince: hour(0).toISOString(),
      longestWaitSeconds: (clock.now().getTime() - t0) / 1000,
    });
    expect(waiting.waiting).toBeGreaterThanOrEqual(1);

    // the first is given out; the second times out and is back in the pool, waiting from then
    await publishEvents([allocated(first, 'm-wang', hour(2)), leadEvent(second, 'support.lead.returned.v1', { memberId: 'm-wang', why: 'timed-out' }, hour(3))]);
    await waitFor('the returned lead waiting from its return', async () => (await pool()).oldestWaitingSince === hour(3).toISOString());

    // lost: nothing of this test waits any more
    await publishEvents([leadEvent(second, 'support.lead.lost.v1', { reason: 'no answer' }, hour(4))]);
    await waitFor('the lost lead out of the pool', async () => {
      const since = (await pool()).oldestWaitingSince;
      return since === null || Date.parse(since) > hour(4).getTime();
    });
  });

  it('streams changes as server-sent events, serves the page, and keeps contractors out', async () => {
    const ticketId = randomUUID();
    const response = await fetch(`${url}/v1/live`, { headers: { authorization: `Bearer ${tokens.lead}`, accept: 'text/event-stream' } });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = response.body!.getReader();
    await publishEvents([
      {
        type: 'support.ticket.received.v1',
        source: 'intake',
        streamId: ticketId,
        data: {
          ticketId,
          customerId: randomUUID(),
          customer: { name: 'Live', wechat: 'live_1' },
          channel: 'wechat',
          deviceModel: 'OBS',
          problem: '推流卡顿',
          urgency: 'normal',
          requestedAt: at(0).toISOString(),
          receivedAt: at(0).toISOString(),
        },
      },
    ]);
    let received = '';
    const decoder = new TextDecoder();
    await waitFor('the ticket on the live stream', async () => {
      const { value } = await reader.read();
      received += decoder.decode(value);
      return received.includes(ticketId);
    });
    expect(received).toMatch(/event: ticket\n(id: .*\n)?data: \{.*"state":"received"/);
    await reader.cancel();

    const page = await fetch(`${url}/`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('Live queue');
    expect((await get('/v1/queue', 'contractor')).status).toBe(403);
    const first = await json('/v1/projections/checksum');
    expect(first.rows.queue).toBeGreaterThanOrEqual(2);
    expect(await json('/v1/projections/checksum')).toEqual(first);
  });
});
