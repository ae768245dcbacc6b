import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { AS_OF_PAST_RULE, AS_OF_RULE, serveOnFreePort, signTestToken } from '@support/service-kit';
import { dropTestSchema, everyItem, ManualClock, publishEvents, serviceDatabase, serviceKafka, testInfra, uniqueSchemaName, waitFor } from '@support/test-kit';
import { slaMonitorService } from '../src/sla-monitor.app';
import { SlaMonitorRuntime, startSlaMonitorRuntime } from '../src/sla-monitor.providers';

const SECRET = 'sla-monitor-as-of-secret-that-is-long-enough-0123456789';

// time travel: a ticket's clocks and the at-risk / breached lists as of instants between their changes, folded
// from the clock events up to each instant and ticked then, over HTTP, the events coming in from Kafka
describe('sla-monitor as of an instant', () => {
  const infra = testInfra();
  const schema = uniqueSchemaName('sla_asof');
  const start = new Date('2026-11-23T02:00:00.000Z');
  const minute = (n: number) => new Date(start.getTime() + n * 60_000);
  const clock = new ManualClock(start);
  const ticketId = randomUUID();
  let runtime: SlaMonitorRuntime;
  let app: INestApplication;
  let url: string;
  let tokens: Record<'agent' | 'analyst' | 'contractor', string>;

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const read = async (path: string, token = tokens.agent): Promise<{ status: number; body: any; asOf: string | null; position: string | null }> => {
    const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, body: await response.json(), asOf: response.headers.get('as-of'), position: response.headers.get('as-of-position') };
  };
  const asOf = (n: number) => encodeURIComponent(minute(n).toISOString());
  const firstContact = (clocks: Array<{ ruleId: string; ticketId?: string; status?: string }>) => clocks.find((c) => c.ruleId === 'first-contact' && c.ticketId === ticketId);
  const listed = async (status: string, n: number) => firstContact(await everyItem(`/v1/clocks?status=${status}&asOf=${asOf(n)}`, async (path) => (await read(path)).body));
  const ticketEvent = (type: string, data: Record<string, unknown>) => ({ type, streamId: ticketId, source: 'intake', occurredAt: clock.now(), data: { ticketId, ...data } });

  beforeAll(async () => {
    runtime = await startSlaMonitorRuntime(
      { ...serviceDatabase('sla-monitor'), ...serviceKafka('sla-monitor'), schema, clock, tickIntervalMs: null, consumeFromBeginning: false },
      () => undefined,
    );
    ({ app, url } = await serveOnFreePort(slaMonitorService, runtime, { ...infra, jwtSecret: SECRET }));
    tokens = {
      agent: await signTestToken(SECRET, { id: 'agent-1', role: 'agent' }),
      analyst: await signTestToken(SECRET, { id: 'ops-1', role: 'analyst' }),
      contractor: await signTestToken(SECRET, { id: 'c-1', role: 'contractor' }),
    };
    // a normal ticket assigned at minute 0: first contact due at 60, warning at 48; the scheduler records the
    // warning at 50 and the breach at 65; the contact at 70 meets the clock late
    await publishEvents([
      ticketEvent('support.ticket.received.v1', {
        customerId: randomUUID(),
        customer: { name: '王女士', phone: '+86 138 0013 8000' },
        channel: 'wechat',
        deviceModel: 'Sony A7 IV',
        problem: '直播中相机无法识别',
        urgency: 'normal',
        requestedAt: start.toISOString(),
        receivedAt: start.toISOString(),
      }),
      ticketEvent('support.ticket.assigned.v1', { assignee: { id: 'agent-1', role: 'agent', name: 'Li' }, tier: 'L1', decisionId: randomUUID(), reason: 'common fault' }),
    ]);
    await waitFor('the first-contact clock', async () => firstContact((await read(`/v1/tickets/${ticketId}/clocks`)).body) !== undefined);
    clock.set(minute(50));
    await runtime.monitor.runDue();
    clock.set(minute(65));
    await runtime.monitor.runDue();
    clock.set(minute(70));
    await publishEvents([ticketEvent('support.ticket.contacted.v1', { channel: 'phone', contactedAt: minute(70).toISOString() })]);
    await waitFor('the contact to meet the clock', async () => firstContact((await read(`/v1/tickets/${ticketId}/clocks`)).body)?.status === 'met');
    clock.set(minute(80));
  }, 90_000);

  afterAll(async () => {
    await app?.close();
    await dropTestSchema(schema);
  });

  it("answers a ticket's clocks as they stood, ticked at the instant, not now", async () => {
    const expected: Array<[number, object]> = [
      [10, { status: 'running', warned: false, breached: false, remainingMinutes: 50, version: 1 }],
      // the warning was due at 48 and recorded at 50: as of 49 the clock is warned all the same
      [49, { status: 'running', warned: true, breached: false, remainingMinutes: 11, version: 1 }],
      [55, { status: 'running', warned: true, breached: false, remainingMinutes: 5, version: 2 }],
      // due at 60, the breach recorded at 65
      [62, { status: 'breached', breached: true, remainingMinutes: -2, version: 2 }],
      [69, { status: 'breached', breached: true, remainingMinutes: -9, version: 3 }],
      [75, { status: 'met', breached: true, remainingMinutes: null, version: 4 }],
    ];
    const positions: number[] = [];
    for (const [at, clockThen] of expected) {
      const seen = await read(`/v1/tickets/${ticketId}/clocks?asOf=${asOf(at)}`);
      expect([at, seen.status, firstContact(seen.body)]).toEqual([at, 200, expect.objectContaining(clockThen)]);
      expect([at, seen.asOf]).toEqual([at, minute(at).toISOString()]);
      positions.push(Number(seen.position));
    }
    // each answer includes the events up to its instant: the last position grows with the instant
    expect(positions.every((p, i) => i === 0 || p >= positions[i - 1])).toBe(true);
    expect(positions[positions.length - 1]).toBeGreaterThan(positions[0]);
    // before anything started: no clocks, no event included
    const before = await read(`/v1/tickets/${ticketId}/clocks?asOf=${encodeURIComponent(new Date(start.getTime() - 60_000).toISOString())}`);
    expect([before.status, before.body, before.position]).toEqual([200, [], null]);
    // now the clock is met
    expect(firstContact((await read(`/v1/tickets/${ticketId}/clocks`)).body)).toMatchObject({ status: 'met', remainingMinutes: null });
  });

  it('lists the clock at risk, then breached, then on neither list, by the instant asked for', async () => {
    expect(await listed('at-risk', 10)).toBeUndefined();
    expect(await listed('at-risk', 49)).toMatchObject({ status: 'running', remainingMinutes: 11 });
    expect(await listed('breached', 49)).toBeUndefined();
    expect(await listed('at-risk', 62)).toBeUndefined();
    expect(await listed('breached', 62)).toMatchObject({ status: 'breached', remainingMinutes: -2 });
    expect(await listed('breached', 75)).toBeUndefined();
    const page = await read(`/v1/clocks?status=breached&asOf=${asOf(62)}&limit=1`);
    expect([page.status, page.asOf, page.body.items.length]).toEqual([200, minute(62).toISOString(), 1]);
    expect(Number(page.position)).toBeGreaterThan(0);
  });

  it('reads the same for an analyst; a contractor may not read clocks, then or now', async () => {
    const path = `/v1/tickets/${ticketId}/clocks?asOf=${asOf(62)}`;
    expect((await read(path, tokens.analyst)).body).toEqual((await read(path)).body);
    expect((await read(path, tokens.contractor)).status).toBe(403);
    expect((await read(`/v1/clocks?status=breached&asOf=${asOf(62)}`, tokens.contractor)).status).toBe(403);
  });

  it('answers 400 naming asOf and its rule, with the other bad parameters', async () => {
    const noOffset = await read(`/v1/tickets/${ticketId}/clocks?asOf=2026-11-23T02:30:00`);
    expect([noOffset.status, noOffset.body.message]).toEqual([400, [AS_OF_RULE]]);
    const future = await read(`/v1/clocks?status=breached&asOf=${asOf(81)}`);
    expect([future.status, future.body.message]).toEqual([400, [`${AS_OF_PAST_RULE} (now is ${minute(80).toISOString()})`]]);
    const both = await read('/v1/clocks?status=whenever&asOf=soon&limit=0');
    expect([both.status, both.body.message]).toEqual([400, ['status must be one of: at-risk, breached', AS_OF_RULE, 'limit must be an integer from 1 to 200']]);
  });
});
