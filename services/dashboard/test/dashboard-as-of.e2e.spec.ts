import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { AS_OF_PAST_RULE, AS_OF_RULE, serveOnFreePort, signTestTokens } from '@support/service-kit';
import { dropTestSchema, everyItem, jsonRequest, ManualClock, publishEvents, serviceDatabase, serviceKafka, testInfra, uniqueSchemaName, waitFor } from '@support/test-kit';
import { dashboardService } from '../src/dashboard.app';
import { DashboardRuntime, startDashboardRuntime } from '../src/dashboard.providers';
import { receivedData } from './support/published-events';

const SECRET = 'dashboard-as-of-secret-that-is-long-enough-0123456789';
// a week no other test writes to (ISO week 2033-W18, Monday 09:00 in Shanghai): its figures are this test's events
const MONDAY = Date.parse('2033-05-02T01:00:00Z');
const at = (minute: number) => new Date(MONDAY + minute * 60_000);

// time travel: the queue, the SLA board and the week's KPIs as of instants between a ticket's changes, folded
// from the events the dashboard keeps, over real HTTP, PostgreSQL and Kafka
describe('dashboard as of an instant', () => {
  const infra = testInfra();
  const schema = uniqueSchemaName('dash_asof');
  const clock = new ManualClock(at(120));
  const [urgentId, normalId, customerId] = [randomUUID(), randomUUID(), randomUUID()];
  const clockId = `ticket:${urgentId}:first-contact`;
  const agent = { id: `agent-${urgentId.slice(0, 6)}`, role: 'agent' as const };
  const ids = { normalReceived: randomUUID(), assigned: randomUUID() };
  let runtime: DashboardRuntime;
  let app: INestApplication;
  let url: string;
  let tokens: Record<string, string> = {};

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const read = async (path: string, who = 'analyst'): Promise<{ status: number; body: any; asOf: string | null; position: string | null }> => {
    const response = await jsonRequest(`${url}${path}`, tokens[who], 'GET');
    return { status: response.status, body: await response.json(), asOf: response.headers.get('as-of'), position: response.headers.get('as-of-position') };
  };
  const asOf = (minute: number) => encodeURIComponent(at(minute).toISOString());
  const mine = <T extends { ticketId: string | null }>(rows: T[]) => rows.filter((row) => row.ticketId === urgentId || row.ticketId === normalId);
  const queueAsOf = async (minute: number) => mine(await everyItem(`/v1/queue?asOf=${asOf(minute)}`, async (path) => (await read(path)).body));
  const boardAsOf = async (minute: number) => mine(await everyItem(`/v1/sla-board?asOf=${asOf(minute)}`, async (path) => (await read(path)).body));
  const ticket = (ticketId: string, type: string, data: object, minute: number, id?: string) => ({
    id,
    type,
    source: 'intake',
    streamId: ticketId,
    data: { ticketId, ...data },
    occurredAt: at(minute),
  });
  const received = (ticketId: string, urgency: 'urgent' | 'normal', minute: number, id?: string) =>
    ticket(ticketId, 'support.ticket.received.v1', receivedData(customerId, urgency, at(minute)), minute, id);
  const sla = (type: string, data: object, minute: number) => ({
    type,
    source: 'sla-monitor',
    streamId: clockId,
    data: { clockId, ruleId: 'first-contact', subject: { type: 'ticket', id: urgentId }, ticketId: urgentId, ...data },
    occurredAt: at(minute),
  });

  beforeAll(async () => {
    runtime = await startDashboardRuntime({ ...infra, ...serviceDatabase('dashboard'), ...serviceKafka('dashboard'), schema, clock, consumeFromBeginning: false }, () => undefined);
    ({ app, url } = await serveOnFreePort(dashboardService, runtime, { ...infra, jwtSecret: SECRET }));
    tokens = await signTestTokens(SECRET, { lead: { id: 'm-lead', role: 'lead' }, analyst: { id: 'ops', role: 'analyst' }, contractor: { id: 'c-zhou', role: 'contractor' } });
    // an urgent ticket received at 0, assigned at 1, its first contact due at 31 (warning 25), breached at 33,
    // contacted (met late) at 40, resolved at 45, rated at 50; a normal one received at 5, cancelled at 60
    await publishEvents([
      received(urgentId, 'urgent', 0),
      ticket(urgentId, 'support.ticket.assigned.v1', { assignee: agent, tier: 'L1' }, 1, ids.assigned),
      sla(
        'support.sla.clock-started.v1',
        { startedAt: at(1).toISOString(), dueAt: at(31).toISOString(), warnAt: at(25).toISOString(), timeBasis: 'calendar', targetMinutes: 30, urgency: 'urgent' },
        1,
      ),
      received(normalId, 'normal', 5, ids.normalReceived),
      sla('support.sla.clock-warned.v1', { at: at(25).toISOString(), dueAt: at(31).toISOString(), remainingMinutes: 6 }, 25),
      sla('support.sla.clock-breached.v1', { at: at(33).toISOString(), dueAt: at(31).toISOString(), lateByMinutes: 2, action: 'escalate' }, 33),
      ticket(urgentId, 'support.ticket.contacted.v1', { channel: 'phone', contactedAt: at(40).toISOString() }, 40),
      sla('support.sla.clock-met.v1', { at: at(40).toISOString(), withinTarget: false, remainingMinutes: -9 }, 40),
      ticket(urgentId, 'support.ticket.resolved.v1', { resolution: '切换 AHCI 驱动', remote: true }, 45),
      ticket(urgentId, 'support.ticket.feedback-given.v1', { satisfaction: 4 }, 50),
      ticket(normalId, 'support.ticket.cancelled.v1', { reason: '客户自行解决' }, 60),
    ]);
    // the two topics arrive in no defined order between them: wait for every one of the 11 events to be kept
    await waitFor('every event kept', async () => {
      const [{ kept }] = await runtime.dataSource.query(`SELECT count(*)::int AS kept FROM "${schema}".kpi_events WHERE data->>'ticketId' = ANY($1::text[])`, [
        [urgentId, normalId],
      ]);
      return kept === 11;
    });
  }, 90_000);

  afterAll(async () => {
    await app?.close();
    await dropTestSchema(schema);
  });

  it('answers the queue as it stood, urgent first, with the nearest deadline then, marked with the instant and the last event', async () => {
    expect((await queueAsOf(0)).map((row) => [row.ticketId, row.state, row.assignee])).toEqual([[urgentId, 'received', null]]);
    const at10 = await queueAsOf(10);
    expect(at10.map((row) => [row.ticketId, row.state])).toEqual([
      [urgentId, 'assigned'],
      [normalId, 'received'],
    ]);
    expect(at10[0]).toMatchObject({ assignee: agent, tier: 'L1', urgency: 'urgent', nextDeadline: { clockId, ruleId: 'first-contact', dueAt: at(31).toISOString() } });
    expect(at10[1].nextDeadline).toBeNull();
    // once contacted the clock no longer runs; resolved, the ticket leaves the queue; cancelled, the other too
    expect((await queueAsOf(41))[0]).toMatchObject({ ticketId: urgentId, state: 'contacted', nextDeadline: null });
    expect((await queueAsOf(46)).map((row) => row.ticketId)).toEqual([normalId]);
    expect(await queueAsOf(61)).toEqual([]);

    // a page at a time, the same list
    const paged: Array<{ ticketId: string }> = [];
    for (let cursor: string | null = null, pages = 0; pages === 0 || (cursor !== null && pages < 500); pages++) {
      const page = await read(`/v1/queue?asOf=${asOf(10)}&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.body.items.length).toBeLessThanOrEqual(1);
      paged.push(...page.body.items);
      cursor = page.body.nextCursor;
    }
    expect(mine(paged)).toEqual(at10);

    const marked = await read(`/v1/queue?asOf=${asOf(10)}`);
    expect([marked.status, marked.asOf, marked.position]).toEqual([200, at(10).toISOString(), ids.normalReceived]);
    expect((await read(`/v1/queue?asOf=${asOf(4)}`)).position).not.toBe(ids.normalReceived);
    const now = await read('/v1/queue');
    expect([now.asOf, now.position]).toEqual([null, null]);
  });

  it('answers the SLA board as it stood: on it from the warning time, breached from the breach, off once met', async () => {
    expect(await boardAsOf(20)).toEqual([]);
    expect(await boardAsOf(26)).toEqual([expect.objectContaining({ clockId, status: 'running', warned: true, breached: false, dueAt: at(31).toISOString() })]);
    expect(await boardAsOf(35)).toEqual([expect.objectContaining({ clockId, status: 'running', breached: true })]);
    expect(await boardAsOf(41)).toEqual([]);
    const marked = await read(`/v1/sla-board?asOf=${asOf(26)}`);
    expect([marked.asOf, marked.position === null]).toEqual([at(26).toISOString(), false]);
  });

  it("answers the week's KPIs from the events up to the instant, the instant's week by default", async () => {
    const before = (await read(`/v1/kpis/weekly?asOf=${asOf(42)}`)).body;
    expect(before.week).toBe('2033-W18');
    expect(before.team).toMatchObject({ assigned: 1, resolved: 0, feedbackCount: 0, breaches: 1 });
    expect(before.slaCompliance).toEqual([{ ruleId: 'first-contact', met: 0, breached: 1, compliance: 0 }]);
    const after = await read(`/v1/kpis/weekly?week=2033-W18&asOf=${asOf(55)}`);
    expect([after.status, after.asOf]).toEqual([200, at(55).toISOString()]);
    expect(after.body.team).toMatchObject({ assigned: 1, resolved: 1, resolutionRate: 1, feedbackCount: 1, csat: 4 });
    expect(after.body.members).toEqual([expect.objectContaining({ memberId: agent.id, resolved: 1, breaches: 1 })]);
    // before anything of the week: an empty week
    expect((await read(`/v1/kpis/weekly?week=2033-W18&asOf=${encodeURIComponent(at(-1).toISOString())}`)).body.team).toMatchObject({ assigned: 0, resolved: 0 });
  });

  it('lets the roles of the present read the past: an analyst and a lead, never a contractor', async () => {
    for (const path of [`/v1/queue?asOf=${asOf(10)}`, `/v1/sla-board?asOf=${asOf(26)}`, `/v1/kpis/weekly?asOf=${asOf(42)}`]) {
      expect([path, (await read(path, 'contractor')).status]).toEqual([path, 403]);
      expect([path, (await read(path, 'lead')).status]).toEqual([path, 200]);
    }
  });

  it('answers 400 naming asOf and its rule, with the other bad parameters', async () => {
    const future = await read(`/v1/queue?asOf=${asOf(121)}`);
    expect([future.status, future.body.message]).toEqual([400, [`${AS_OF_PAST_RULE} (now is ${at(120).toISOString()})`]]);
    const both = await read('/v1/sla-board?asOf=2033-05-02T09:00:00&limit=500');
    expect([both.status, both.body.message]).toEqual([400, [AS_OF_RULE, 'limit must be an integer from 1 to 200']]);
    const week = await read('/v1/kpis/weekly?week=2033-18&asOf=yesterday');
    expect([week.status, week.body.message]).toEqual([400, ['week must be an ISO week, e.g. 2026-W48', AS_OF_RULE]]);
  });
});
