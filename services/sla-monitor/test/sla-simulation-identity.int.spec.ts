import { dropTestSchema, ManualClock, serviceDatabase, serviceKafka, testMessagingClient, uniqueSchemaName } from '@support/test-kit';
import { driveLiveMonitor, generateMonth, inRecordedOrder, publishInputs } from './support/sla-month';
import { SlaSimulator } from '../src/application/sla-simulation.service';
import { DurationSlaRule, SlaRule } from '../src/domain';
import { SlaMonitorRuntime, startSlaMonitorRuntime } from '../src/sla-monitor.providers';

/** tickets in the generated month: 10,000 run in bench/sla-simulation.bench.ts; the test's default keeps it near a minute */
const TICKETS = Number(process.env.SLA_SIM_TICKETS ?? 300);
const day = 86_400_000;

// The identity: the month's input events recorded on Kafka, the LIVE monitor (SlaMonitor.onEvents and runDue, what its
// consumer and scheduler run) driven through them with a manual clock at every due instant; a lead changed the policy
// the day before the month. A simulation whose proposal is the policy in force then gives the recorded clocks back,
// clock by clock: id, rule, subject, urgency, start, due, status, when warned, when breached, escalation, end, verdict.
describe('sla-monitor what-if: the identity', () => {
  const schema = uniqueSchemaName('sla_simid');
  // a random Monday 00:00 in Shanghai between 1992 and 2024, its own: no other test's events fall in it
  const from = new Date(Date.parse('1992-01-05T16:00:00.000Z') + Math.floor(Math.random() * 1700) * 7 * day);
  const to = new Date(from.getTime() + 30 * day);
  const changedAt = new Date(from.getTime() - day);
  const clock = new ManualClock(new Date(from.getTime() - 3 * day));
  let runtime: SlaMonitorRuntime;

  beforeAll(async () => {
    const before = generateMonth({ start: new Date(from.getTime() - 3 * day), days: 3, tickets: Math.ceil(TICKETS / 10), seed: 7 });
    const month = generateMonth({ start: from, days: 30, tickets: TICKETS, seed: 11 });
    const all = inRecordedOrder([...before, ...month]);
    await publishInputs(testMessagingClient('sla-sim-identity'), all);
    runtime = await startSlaMonitorRuntime(
      { ...serviceDatabase('sla-monitor'), ...serviceKafka('sla-monitor'), schema, clock, tickIntervalMs: null, consumeFromBeginning: false },
      () => undefined,
    );
    const live = { dataSource: runtime.dataSource, monitor: runtime.monitor, setNow: (at: Date) => clock.set(at), schema };
    const started = performance.now();
    await driveLiveMonitor(
      live,
      all.filter((e) => e.occurredAt.getTime() < changedAt.getTime()),
      changedAt,
    );
    // the lead's change: hand-over 25 min, first contact 25 (urgent) / 50 (normal), warnings at 60 %
    const faster = (rule: SlaRule): SlaRule =>
      rule.id === 'hand-over'
        ? ({ ...rule, targetMinutes: 25, warnAtPercent: 60 } as DurationSlaRule)
        : rule.id === 'first-contact'
          ? ({ ...rule, targetMinutes: { urgent: 25, normal: 50 }, warnAtPercent: 60 } as DurationSlaRule)
          : rule;
    const changed = await runtime.policy.change({ rules: runtime.settings().rules.map(faster), calendar: runtime.settings().calendar }, { id: 'lead-1', role: 'lead' });
    expect(changed.ok).toBe(true);
    const { steps } = await driveLiveMonitor(
      live,
      all.filter((e) => e.occurredAt.getTime() >= changedAt.getTime()),
      new Date(to.getTime() + 2 * day),
      changedAt,
    );
    console.log(`identity month: ${TICKETS} tickets, ${all.length} input events, live monitor driven in ${steps} steps, ${((performance.now() - started) / 1000).toFixed(1)} s`);
    clock.set(new Date(to.getTime() + 3 * day));
  }, 900_000);

  afterAll(async () => {
    await runtime?.close();
    await dropTestSchema(schema);
  });

  it('gives the recorded clocks back, clock by clock, with the policy in force as the proposal', async () => {
    const simulator = runtime.context.get(SlaSimulator);
    const started = performance.now();
    const { actual, proposed, replayed } = await simulator.compare(runtime.settings(), { from, to });
    console.log(
      `identity month: compared ${actual.length} clocks in ${((performance.now() - started) / 1000).toFixed(1)} s (${replayed.eventsInPeriod + replayed.eventsBefore} events replayed)`,
    );
    // not a trivial month: every kind of outcome is in it
    expect(actual.length).toBeGreaterThan(TICKETS * 3);
    expect(actual.filter((c) => c.breachedAt !== null).length).toBeGreaterThan(TICKETS / 10);
    expect(actual.filter((c) => c.warnedAt !== null && c.breachedAt === null).length).toBeGreaterThan(0);
    expect(actual.filter((c) => c.escalated).length).toBeGreaterThan(0);
    expect(actual.filter((c) => c.status === 'cancelled').length).toBeGreaterThan(0);
    expect(new Set(actual.map((c) => c.ruleId))).toEqual(new Set(['hand-over', 'first-contact', 'remote-attempt', 'remote-fix-sheet', 'on-site-preparation', 'on-site-sheet']));
    // clock by clock (a failing clock is shown whole)
    const recorded = new Map(actual.map((c) => [c.clockId, c]));
    const differing = proposed.filter((c) => JSON.stringify(c) !== JSON.stringify(recorded.get(c.clockId))).slice(0, 5);
    expect(differing.map((c) => [c, recorded.get(c.clockId)])).toEqual([]);
    expect(proposed.map((c) => c.clockId)).toEqual(actual.map((c) => c.clockId));
  });
});
