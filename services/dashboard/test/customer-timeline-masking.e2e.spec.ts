import { randomBytes, randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { EntityManager } from 'typeorm';
import { ERASED } from '@support/contracts';
import { sealAt, SubjectKeys } from '@support/personal-data';
import { serveOnFreePort, signTestTokens } from '@support/service-kit';
import { dropTestSchema, jsonRequest, ManualClock, publishEvents, testInfra, uniqueSchemaName, waitFor, serviceDatabase, serviceKafka } from '@support/test-kit';
import { dashboardService } from '../src/dashboard.app';
import { DashboardRuntime, startDashboardRuntime } from '../src/dashboard.providers';

const SECRET = 'dashboard-masking-secret-that-is-long-enough-0123456789';

// the customer timeline keeps each event as intake published it, personal values sealed: opened for a lead,
// masked for an analyst, `[erased]` for everyone once the customer's key is destroyed
describe("the dashboard's customer timeline by reader", () => {
  const infra = testInfra();
  const schema = uniqueSchemaName('dashmask');
  let runtime: DashboardRuntime;
  let app: INestApplication;
  let url: string;
  let tokens: Record<string, string> = {};
  const owner = new Client({ connectionString: infra.databaseUrl });

  beforeAll(async () => {
    runtime = await startDashboardRuntime(
      { ...infra, ...serviceDatabase('dashboard'), ...serviceKafka('dashboard'), schema, clock: new ManualClock(new Date()), consumeFromBeginning: false },
      () => undefined,
    );
    ({ app, url } = await serveOnFreePort(dashboardService, runtime, { ...infra, jwtSecret: SECRET }));
    await owner.connect();
    tokens = await signTestTokens(SECRET, { lead: { id: 'm-lead', role: 'lead' }, analyst: { id: 'ops', role: 'analyst' } });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await owner.end();
    await dropTestSchema(schema);
  });

  const asOwner = { query: async (text: string, params?: unknown[]) => (await owner.query(text, params)).rows } as unknown as EntityManager;
  const timeline = async (customerId: string, who: string) => (await jsonRequest(`${url}/v1/customers/${customerId}/timeline`, tokens[who], 'GET')).json();

  it('shows an analyst the name, phone and WeChat id masked and a lead the clear values, until the customer is erased', async () => {
    const [ticketId, customerId] = [randomUUID(), randomUUID()];
    const customer = { name: '王女士', phone: '+86 138 0013 8000', wechat: 'wx_wang12' };
    // as intake publishes it: sealed with the customer's key, which intake made in the keyring (the
    // dashboard's role may only read keys: the test makes and destroys it as the owner)
    const keys = runtime.context.get(SubjectKeys);
    const key = randomBytes(32);
    await keys.createAll(asOwner, [{ subjectId: customerId, key, at: new Date() }]);
    const sealed = sealAt({ customer }, ['/customer/name', '/customer/phone', '/customer/wechat'], key, customerId) as { customer: typeof customer };
    const now = new Date().toISOString();
    await publishEvents([
      {
        type: 'support.ticket.received.v1',
        source: 'intake',
        streamId: ticketId,
        data: {
          ticketId,
          customerId,
          customer: sealed.customer,
          channel: 'phone',
          deviceModel: 'Dell XPS 15',
          problem: '开机蓝屏',
          urgency: 'urgent',
          requestedAt: now,
          receivedAt: now,
        },
      },
    ]);
    await waitFor('the ticket in the timeline', async () => (await timeline(customerId, 'lead')).length === 1);
    const [kept] = await runtime.dataSource.query(`SELECT k.data FROM "${schema}".kpi_events k WHERE k.data->>'ticketId' = $1`, [ticketId]);
    expect(kept.data.customer).toEqual(sealed.customer);

    const [seenByAnalyst] = await timeline(customerId, 'analyst');
    expect(seenByAnalyst.data.customer).toEqual({ name: '王*', phone: '+86 138 ****8000', wechat: 'wx****12' });
    expect(seenByAnalyst.data).toMatchObject({ ticketId, customerId, deviceModel: 'Dell XPS 15' });
    const [seenByLead] = await timeline(customerId, 'lead');
    expect(seenByLead.data.customer).toEqual(customer);

    await keys.destroy(asOwner, customerId, new Date());
    for (const who of ['lead', 'analyst']) expect((await timeline(customerId, who))[0].data.customer).toEqual({ name: ERASED, phone: ERASED, wechat: ERASED });
  });
});
