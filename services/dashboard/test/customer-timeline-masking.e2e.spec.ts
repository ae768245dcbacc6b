import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { serveOnFreePort, signTestTokens } from '@support/service-kit';
import { dropTestSchema, jsonRequest, ManualClock, publishEvents, testInfra, uniqueSchemaName, waitFor, serviceDatabase, serviceKafka } from '@support/test-kit';
import { dashboardService } from '../src/dashboard.app';
import { DashboardRuntime, startDashboardRuntime } from '../src/dashboard.providers';

const SECRET = 'dashboard-masking-secret-that-is-long-enough-0123456789';

// the customer timeline keeps each event as intake published it; an analyst reads it masked
describe("the dashboard's customer timeline by reader", () => {
  const infra = testInfra();
  const schema = uniqueSchemaName('dashmask');
  let runtime: DashboardRuntime;
  let app: INestApplication;
  let url: string;
  let tokens: Record<string, string> = {};

  beforeAll(async () => {
    runtime = await startDashboardRuntime(
      { ...infra, ...serviceDatabase('dashboard'), ...serviceKafka('dashboard'), schema, clock: new ManualClock(new Date()), consumeFromBeginning: false },
      () => undefined,
    );
    ({ app, url } = await serveOnFreePort(dashboardService, runtime, { ...infra, jwtSecret: SECRET }));
    tokens = await signTestTokens(SECRET, { lead: { id: 'm-lead', role: 'lead' }, analyst: { id: 'ops', role: 'analyst' } });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await dropTestSchema(schema);
  });

  const timeline = async (customerId: string, who: string) => (await jsonRequest(`${url}/v1/customers/${customerId}/timeline`, tokens[who], 'GET')).json();

  it('shows an analyst the name, phone and WeChat id masked, and a lead the clear values', async () => {
    const [ticketId, customerId] = [randomUUID(), randomUUID()];
    const customer = { name: '王女士', phone: '+86 138 0013 8000', wechat: 'wx_wang12' };
    const now = new Date().toISOString();
    await publishEvents([
      {
        type: 'support.ticket.received.v1',
        source: 'intake',
        streamId: ticketId,
        data: { ticketId, customerId, customer, channel: 'phone', deviceModel: 'Dell XPS 15', problem: '开机蓝屏', urgency: 'urgent', requestedAt: now, receivedAt: now },
      },
    ]);
    await waitFor('the ticket in the timeline', async () => (await timeline(customerId, 'lead')).length === 1);

    const [seenByAnalyst] = await timeline(customerId, 'analyst');
    expect(seenByAnalyst.data.customer).toEqual({ name: '王*', phone: '+86 138 ****8000', wechat: 'wx****12' });
    expect(seenByAnalyst.data).toMatchObject({ ticketId, customerId, deviceModel: 'Dell XPS 15' });
    const [seenByLead] = await timeline(customerId, 'lead');
    expect(seenByLead.data.customer).toEqual(customer);
  });
});
