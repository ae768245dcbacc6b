import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { SCENARIOS_TOPIC, TICKETS_TOPIC } from '@support/contracts';
import { ensureTopics, TopicAdmin, withTopicAdmin } from '@support/messaging';
import { serveOnFreePort, signTestToken } from '@support/service-kit';
import { dropTestSchema, jsonRequest, publishEvents, serviceDatabase, testInfra, uniqueSchemaName, waitFor, serviceKafka, testMessagingClient } from '@support/test-kit';
import { routingService } from '../src/routing.app';
import { RoutingRuntime, startRoutingRuntime } from '../src/routing.providers';

// routing over HTTP, PostgreSQL and Kafka, fed the knowledge base's scenario catalogue and intake's tickets
// as their relays publish them: only fixed scenarios go to a whitelisted contractor

const SECRET = 'routing-catalogue-e2e-secret-that-is-long-enough-0123456789';
const ASSIGNMENT_DECIDED = 'support.routing.assignment-decided.v1';

interface Decision {
  type: string;
  data: { assignee?: { id: string; role: string }; scenario?: string; mode?: string; reason: string };
}

describe('routing decides contractor eligibility by the scenario catalogue', () => {
  const infra = testInfra();
  const schema = uniqueSchemaName('routing_catalogue');
  const groups = [`${schema}.ticket-events`, `${schema}.scenario-catalogue`];
  // the catalogue topic is shared by every test and kept forever: this run's scenario ids are its own
  const run = randomUUID().slice(0, 8);
  const scenario = (name: string) => `${name}-${run}`;
  const errors: unknown[] = [];
  let runtime: RoutingRuntime;
  let app: INestApplication;
  let url: string;
  let lead: string;

  const agent = { memberId: `agent-lin-${run}`, role: 'agent', name: '林', tier: 'L1' };
  const contractor = { memberId: `contractor-zhou-${run}`, role: 'contractor', name: '周师傅', tier: 'L1' };
  const whitelist = ['hdmi-output', 'router-reset', 'camera-firmware', 'printer-driver-reinstall', 'mic-pairing'].map(scenario);

  beforeAll(async () => {
    // routing sees only what is published from now on, without racing its consumers' first fetch
    await startGroupsAtTheEnd();
    runtime = await startRoutingRuntime({ ...serviceDatabase('routing'), ...serviceKafka('routing'), schema, consumeFromBeginning: true }, (error) => errors.push(error));
    ({ app, url } = await serveOnFreePort(routingService, runtime, { ...infra, jwtSecret: SECRET }));
    lead = await signTestToken(SECRET, { id: 'm-lead-zhang', role: 'lead' });
    // other tests' tickets reach this routing too: room enough that they never decide ours
    await register({ ...agent, skills: [], scenarios: [], capacity: 1000 });
    await register({ ...contractor, skills: [], scenarios: whitelist, capacity: 1000 });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await dropTestSchema(schema);
    await withAdmin((admin) => admin.deleteGroups(groups).catch(() => undefined));
  }, 60_000);

  // ---- helpers ----------------------------------------------------------------------------------

  async function register(member: Record<string, unknown>) {
    const response = await jsonRequest(`${url}/v1/members`, lead, 'POST', { ...member, onDuty: true });
    expect([member.memberId, response.status]).toEqual([member.memberId, 201]);
  }

  /** the knowledge base defines (or changes) a scenario of the catalogue */
  async function catalogue(type: 'defined' | 'changed', scenarioId: string, fixed: boolean) {
    await publishEvents([
      { type: `support.scenario.${type}.v1`, data: { scenarioId, faultCategory: 'video-switcher', name: scenarioId, fixed }, streamId: scenarioId, source: 'knowledge-base' },
    ]);
  }

  const catalogueAtRouting = async (): Promise<Record<string, boolean>> =>
    Object.fromEntries(
      (await runtime.dataSource.query(`SELECT scenario_id, fixed FROM "${schema}".scenarios`)).map((r: { scenario_id: string; fixed: boolean }) => [r.scenario_id, r.fixed]),
    );

  async function routingHolds(expected: Record<string, boolean>) {
    await waitFor(
      `routing to hold the catalogue ${JSON.stringify(expected)}`,
      async () => {
        const held = await catalogueAtRouting();
        return Object.entries(expected).every(([id, fixed]) => held[id] === fixed);
      },
      { timeoutMs: 30_000, describe: async () => ({ held: await catalogueAtRouting(), errors: errors.map(String) }) },
    );
  }

  /** intake received a ticket with the desk's triage */
  async function ticketReceived(triage: { scenario?: string; difficulty?: string; faultCategory?: string }): Promise<string> {
    const ticketId = randomUUID();
    const now = new Date().toISOString();
    const data = {
      ticketId,
      customerId: randomUUID(),
      customer: { name: '王女士' },
      channel: 'wechat',
      deviceModel: 'Roland V-8HD',
      problem: '切换台无画面输出',
      urgency: 'normal',
      requestedAt: now,
      receivedAt: now,
      triage,
    };
    await publishEvents([{ type: 'support.ticket.received.v1', data, streamId: ticketId, source: 'intake' }]);
    return ticketId;
  }

  const decisionsOn = (ticketId: string): Promise<Decision[]> =>
    runtime.dataSource.query(`SELECT type, data FROM "${schema}".events WHERE stream_type = 'ticket-routing' AND stream_id = $1 ORDER BY version`, [ticketId]);

  /** routing's (latest) assignment of the ticket */
  const assignment = (ticketId: string): Promise<Decision['data']> =>
    waitFor(`routing's assignment of ticket ${ticketId}`, async () => (await decisionsOn(ticketId)).filter((d) => d.type === ASSIGNMENT_DECIDED).pop()?.data, {
      timeoutMs: 30_000,
      describe: async () => ({ decisions: await decisionsOn(ticketId), errors: errors.map(String) }),
    });

  const assignByHand = (ticketId: string, memberId: string) => jsonRequest(`${url}/v1/assignments`, lead, 'POST', { ticketId, memberId });

  // ---- the rule -----------------------------------------------------------------------------------

  it('registers a member on duty in one write: both events in one transaction, the response at version 2', async () => {
    const memberId = `agent-qian-${run}`;
    const response = await jsonRequest(`${url}/v1/members`, lead, 'POST', {
      memberId,
      role: 'agent',
      name: '钱',
      tier: 'L1',
      capacity: 1,
      skills: [],
      scenarios: [],
      onDuty: true,
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ memberId, onDuty: true, version: 2 });
    const stream = await runtime.dataSource.query(`SELECT type, transaction_id::text AS tx FROM "${schema}".events WHERE stream_id = $1 ORDER BY version`, [memberId]);
    expect(stream.map((e: { type: string }) => e.type)).toEqual(['support.member.registered.v1', 'support.member.went-on-duty.v1']);
    expect(new Set(stream.map((e: { tx: string }) => e.tx)).size).toBe(1);
    // a second registration changes nothing: 409, and no on-duty event either
    expect(
      (await jsonRequest(`${url}/v1/members`, lead, 'POST', { memberId, role: 'agent', name: '钱', tier: 'L1', capacity: 1, skills: [], scenarios: [], onDuty: true })).status,
    ).toBe(409);
    // unless it is a retry with the first one's Idempotency-Key: the first answer again, nothing written
    const keyed = { memberId: `agent-sun-${run}`, role: 'agent', name: '孙', tier: 'L1', capacity: 1, skills: [], scenarios: [], onDuty: false };
    const register = (body: unknown) => jsonRequest(`${url}/v1/members`, lead, 'POST', body, { 'Idempotency-Key': `member-${run}` });
    const first = await register(keyed);
    const retried = await register(keyed);
    expect([first.status, retried.status, retried.headers.get('idempotent-replayed')]).toEqual([201, 201, 'true']);
    expect(await retried.json()).toEqual(await first.json());
    expect((await register({ ...keyed, name: '孙二' })).status).toBe(422);
    expect((await runtime.dataSource.query(`SELECT count(*)::int AS n FROM "${schema}".events WHERE stream_id = $1`, [memberId]))[0].n).toBe(2);
    // out of the way of the other tests' tickets
    expect((await jsonRequest(`${url}/v1/members/${memberId}/off-duty`, lead, 'POST')).status).toBe(200);
  });

  it('a scenario catalogued fixed goes to the whitelisted contractor; one catalogued not fixed to an agent, whatever the triage, by hand too', async () => {
    const [hdmiOutput, routerReset, notListed] = [scenario('hdmi-output'), scenario('router-reset'), scenario('printer-driver-reinstall')];
    await catalogue('defined', hdmiOutput, false);
    await catalogue('defined', routerReset, true);
    await routingHolds({ [hdmiOutput]: false, [routerReset]: true });

    const fixedTicket = await ticketReceived({ scenario: routerReset, difficulty: 'common' });
    expect(await assignment(fixedTicket)).toMatchObject({ assignee: { id: contractor.memberId, role: 'contractor' }, scenario: routerReset, mode: 'automatic' });

    const notFixedTicket = await ticketReceived({ scenario: hdmiOutput, difficulty: 'fixed-scenario' });
    const decided = await assignment(notFixedTicket);
    expect(decided).toMatchObject({ assignee: { id: agent.memberId, role: 'agent' } });
    expect(decided.scenario).toBeUndefined();
    expect(decided.reason).toMatch(new RegExp(`^scenario ${hdmiOutput} is not a fixed scenario in the catalogue, so the common rule applies`));

    // a lead may not hand it to the contractor either
    const refused = await assignByHand(notFixedTicket, contractor.memberId);
    expect(refused.status).toBe(409);
    expect((await refused.json()).message).toBe(`scenario ${hdmiOutput} is not a fixed scenario in the catalogue: contractors take fixed scenarios only`);

    // a scenario the catalogue does not list: the triage decides, as before the catalogue
    const uncatalogued = await ticketReceived({ scenario: notListed, difficulty: 'fixed-scenario' });
    expect(await assignment(uncatalogued)).toMatchObject({ assignee: { id: contractor.memberId }, scenario: notListed });
  });

  it("a scenario changed to fixed takes effect for the next ticket, and for a lead's reassignment", async () => {
    const cameraFirmware = scenario('camera-firmware');
    await catalogue('defined', cameraFirmware, false);
    await routingHolds({ [cameraFirmware]: false });
    const before = await ticketReceived({ scenario: cameraFirmware, difficulty: 'fixed-scenario' });
    expect(await assignment(before)).toMatchObject({ assignee: { id: agent.memberId } });

    await catalogue('changed', cameraFirmware, true);
    await routingHolds({ [cameraFirmware]: true });
    const after = await ticketReceived({ scenario: cameraFirmware, difficulty: 'fixed-scenario' });
    expect(await assignment(after)).toMatchObject({ assignee: { id: contractor.memberId, role: 'contractor' }, scenario: cameraFirmware });

    const reassigned = await assignByHand(before, contractor.memberId);
    expect(reassigned.status).toBe(201);
    expect(await reassigned.json()).toMatchObject({ assignee: { id: contractor.memberId }, scenario: cameraFirmware, mode: 'manual' });
  });

  it('a ticket waiting because its scenario was not fixed goes to the contractor as soon as the catalogue marks it fixed', async () => {
    const micPairing = scenario('mic-pairing');
    await catalogue('defined', micPairing, false);
    await routingHolds({ [micPairing]: false });
    // no agent on duty: the ticket waits, though the whitelisted contractor is free
    expect((await jsonRequest(`${url}/v1/members/${agent.memberId}/off-duty`, lead, 'POST')).status).toBe(200);
    try {
      const waiting = await ticketReceived({ scenario: micPairing, difficulty: 'fixed-scenario' });
      const queued = await waitFor(`ticket ${waiting} queued`, async () => (await decisionsOn(waiting)).find((d) => d.type === 'support.routing.ticket-queued.v1'), {
        timeoutMs: 30_000,
      });
      expect(queued.data.reason).toMatch(new RegExp(`^scenario ${micPairing} is not a fixed scenario in the catalogue`));

      await catalogue('changed', micPairing, true);
      expect(await assignment(waiting)).toMatchObject({ assignee: { id: contractor.memberId, role: 'contractor' }, scenario: micPairing });
    } finally {
      await jsonRequest(`${url}/v1/members/${agent.memberId}/on-duty`, lead, 'POST');
    }
  });

  /** commits the topics' current end offsets for routing's consumer groups before they first start */
  async function startGroupsAtTheEnd() {
    await ensureTopics(testMessagingClient('routing-catalogue-e2e'), [TICKETS_TOPIC, SCENARIOS_TOPIC]);
    await withAdmin(async (admin) => {
      for (const [groupId, topic] of [
        [groups[0], TICKETS_TOPIC],
        [groups[1], SCENARIOS_TOPIC],
      ])
        await admin.moveGroupToEnd(groupId, topic);
    });
  }

  function withAdmin<T>(work: (admin: TopicAdmin) => Promise<T>): Promise<T> {
    return withTopicAdmin(testMessagingClient('routing-catalogue-e2e'), work);
  }
});
