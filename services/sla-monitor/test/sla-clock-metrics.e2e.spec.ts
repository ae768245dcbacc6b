import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { serveOnFreePort } from '@support/service-kit';
import { dropTestSchema, ManualClock, parseMetrics, serviceDatabase, serviceKafka, sumOf, testInfra, uniqueSchemaName } from '@support/test-kit';
import { slaMonitorService } from '../src/sla-monitor.app';
import { SlaMonitorRuntime, startSlaMonitorRuntime } from '../src/sla-monitor.providers';

// the SLA gauges at GET /metrics, counted from sla-monitor's clocks when scraped, by its own (hand-moved) clock
describe('SLA clock metrics of sla-monitor', () => {
  const schema = uniqueSchemaName('sla_metrics');
  const clock = new ManualClock(new Date('2026-11-23T02:00:00.000Z'));
  let runtime: SlaMonitorRuntime;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    runtime = await startSlaMonitorRuntime(
      { ...serviceDatabase('sla-monitor'), ...serviceKafka('sla-monitor'), schema, clock, tickIntervalMs: null, consumeFromBeginning: false },
      () => undefined,
    );
    ({ app, url } = await serveOnFreePort(slaMonitorService, runtime, { ...testInfra(), jwtSecret: 'sla-metrics-e2e-secret-that-is-long-enough-0123456789' }));
  });
  afterAll(async () => {
    await app?.close();
    await dropTestSchema(schema);
  });

  const feed = (type: string, data: Record<string, unknown>) =>
    runtime.dataSource.transaction((manager) => runtime.monitor.onEvent(manager, { id: randomUUID(), type, data, occurredAt: clock.now() }));
  const scrape = async () => {
    const samples = parseMetrics(await (await fetch(`${url}/metrics`)).text());
    const state = (name: string) => sumOf(samples, 'support_sla_clocks', { schema, state: name });
    return { running: state('running'), atRisk: state('at_risk'), breached: state('breached'), breaches: sumOf(samples, 'support_sla_breaches', { schema }) };
  };

  it('counts clocks running, then at risk past the warning, then breached past due', async () => {
    expect(await scrape()).toEqual({ running: 0, atRisk: 0, breached: 0, breaches: 0 });

    // a normal ticket assigned: its first contact is due in 60 minutes, warned at 80 %
    const ticketId = randomUUID();
    await feed('support.ticket.received.v1', { ticketId, urgency: 'normal', requestedAt: clock.now().toISOString() });
    await feed('support.ticket.assigned.v1', { ticketId, assignee: { id: 'agent-1', role: 'agent' }, tier: 'L1' });
    const started = await scrape();
    expect(started.running).toBeGreaterThanOrEqual(1);
    expect(started).toMatchObject({ atRisk: 0, breached: 0, breaches: 0 });

    clock.advanceMinutes(50);
    await runtime.monitor.runDue();
    expect((await scrape()).atRisk).toBeGreaterThanOrEqual(1);

    clock.advanceMinutes(15);
    await runtime.monitor.runDue();
    const late = await scrape();
    expect(late.breached).toBeGreaterThanOrEqual(1);
    // an open breach is counted among the breaches
    expect(late.breaches).toBeGreaterThanOrEqual(late.breached);
  });
});
