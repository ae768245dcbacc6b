// sla-monitor what-if: a generated month of 10,000 tickets (its input events on Kafka) simulated through
// POST /v1/simulations' service (SlaSimulator), against a raw kafkajs read of the same topics and a decoded read
// (readRecordedEvents, what the simulation reads before replaying). With BENCH_SLA_IDENTITY=1 the LIVE monitor
// is first driven through the month at every due instant (slow: ~25 ms per instant on this box) and the
// identity (proposal = policy in force gives the recorded clocks back, clock by clock) is checked at that size.
// Run: npm run build && node dist/bench/sla-simulation.bench.js (BENCH_RECORD=0 prints instead of recording)
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { Clock, eventCatalogue, TICKETS_TOPIC } from '@support/contracts';
import { ConsumedEvent, ConsumerInbox, createKafka, readRecordedEvents, scanTopicFromStart } from '@support/messaging';
import { CLOCK_EVENT_TOPICS, CLOCK_EVENTS_GROUP } from '../services/sla-monitor/src/application/clock-events.reactor';
import { SlaSimulator } from '../services/sla-monitor/src/application/sla-simulation.service';
import { replaySlaClocks } from '../services/sla-monitor/src/domain';
import { startSlaMonitorRuntime } from '../services/sla-monitor/src/sla-monitor.providers';
import { machineLine, median } from './support/machine';
import { recordResults, runBench } from './support/results';
import { BENCH_AUDIT_KEY, benchKafka, migrateForService } from './support/services';
import { driveLiveMonitor, generateMonth, publishInputs } from '../services/sla-monitor/test/support/sla-month';

const TICKETS = Number(process.env.BENCH_SLA_TICKETS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const IDENTITY = process.env.BENCH_SLA_IDENTITY === '1';
const SCHEMA = `bench_slasim_${Date.now()}`;
const day = 86_400_000;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

class SettableClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(at: Date): void {
    this.current = new Date(at);
  }
}

async function main(): Promise<void> {
  // a random Monday 00:00 in Shanghai between 1992 and 2024: the month is the only record in it
  const from = new Date(Date.parse('1992-01-05T16:00:00.000Z') + Math.floor(Math.random() * 1700) * 7 * day);
  const to = new Date(from.getTime() + 30 * day);
  const month = generateMonth({ start: from, days: 30, tickets: TICKETS, seed: 2026 });
  const admin = createKafka(`bench-slasim-${randomUUID()}`, benchKafka());
  let started = performance.now();
  await publishInputs(admin, month);
  console.log(`published ${month.length} input events of ${TICKETS} tickets in ${seconds(performance.now() - started)}`);

  process.env.AUDIT_SIGNING_KEY ??= BENCH_AUDIT_KEY;
  const clock = new SettableClock(from);
  const runtime = await startSlaMonitorRuntime(
    { databaseUrl: await migrateForService('sla-monitor', SCHEMA), kafka: benchKafka('sla-monitor'), schema: SCHEMA, clock, tickIntervalMs: null, consumeFromBeginning: false },
    (error) => console.error('runtime error:', error),
  );
  try {
    let identity = 'not checked at this size (BENCH_SLA_IDENTITY=1 drives the live monitor through the month first)';
    if (!IDENTITY) {
      // a replay takes in what the monitor's group took in (its inbox): the month as taken in, without the monitor's work
      const inbox = new ConsumerInbox(SCHEMA, `${SCHEMA}.${CLOCK_EVENTS_GROUP}`, runtime.dataSource);
      for (let start = 0; start < month.length; start += 1000) {
        const ids = month.slice(start, start + 1000).map((event) => ({ id: event.id }) as ConsumedEvent);
        await inbox.applyAllOnce(ids, TICKETS_TOPIC, async () => undefined);
      }
    } else {
      started = performance.now();
      const { steps } = await driveLiveMonitor(
        { dataSource: runtime.dataSource, monitor: runtime.monitor, setNow: (at) => clock.set(at), schema: SCHEMA },
        month,
        new Date(to.getTime() + 2 * day),
      );
      const drive = performance.now() - started;
      clock.set(new Date(to.getTime() + 3 * day));
      const { actual, proposed } = await runtime.context.get(SlaSimulator).compare(runtime.settings(), { from, to });
      const same = actual.length === proposed.length && actual.every((clock, i) => JSON.stringify(clock) === JSON.stringify(proposed[i]));
      identity = `${same ? 'holds' : 'FAILS'}: ${proposed.length} replayed clocks vs ${actual.length} recorded (the live monitor driven in ${steps} instants, ${seconds(drive)})`;
      if (!same) throw new Error(identity);
    }
    clock.set(new Date(to.getTime() + 3 * day));
    const simulator = runtime.context.get(SlaSimulator);
    const reader = createKafka(`bench-slasim-reader-${randomUUID()}`, benchKafka('sla-monitor'));
    const raw: number[] = [];
    const decoded: number[] = [];
    const replay: number[] = [];
    const whole: number[] = [];
    let messages = 0;
    let replayed = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // raw: a plain kafkajs consume of the four topics from offset 0, nothing done per message
      started = performance.now();
      messages = 0;
      for (const topic of CLOCK_EVENT_TOPICS) await scanTopicFromStart(admin, topic, () => messages++);
      raw.push(performance.now() - started);
      // decoded: what the simulation reads (validated catalogue events up to `to`, in recorded order)
      started = performance.now();
      const recorded = await readRecordedEvents(reader, CLOCK_EVENT_TOPICS, { groupPrefix: `${SCHEMA}.`, upTo: to, catalogue: eventCatalogue });
      decoded.push(performance.now() - started);
      // the replay alone, in memory
      const events = recorded.events.map((e) => ({ id: e.id, type: e.type, data: e.data, occurredAt: new Date(e.time) }));
      started = performance.now();
      replaySlaClocks({ events, policy: [], proposal: runtime.settings(), from, to });
      replay.push(performance.now() - started);
      replayed = events.length;
      // the whole simulation: both reads, the replay, the recorded clocks, both outcomes
      started = performance.now();
      await simulator.simulate(runtime.settings(), { from, to });
      whole.push(performance.now() - started);
    }
    const rate = (count: number, ms: number) => Math.round(count / (ms / 1000));
    const section = `## sla-monitor what-if: a month of ${TICKETS.toLocaleString('en')} tickets simulated (${new Date().toISOString().slice(0, 10)})

Machine: ${machineLine()}; load average at the end ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')}. ${month.length} input events of the month (tickets, visits, sheets) on the four topics sla-monitor consumes
(${messages} messages there in all, other runs' included); ${ROUNDS} rounds, medians (per round in brackets).

| measure | time | events/s |
|---|---|---|
| raw kafkajs read of the four topics from offset 0 (${messages} messages) | ${seconds(median(raw))} (${raw.map(seconds).join(', ')}) | ${rate(messages, median(raw))} |
| decoded read (readRecordedEvents: decode, validate, order) | ${seconds(median(decoded))} (${decoded.map(seconds).join(', ')}) | ${rate(messages, median(decoded))} |
| replay alone (replaySlaClocks, ${replayed} events, in memory) | ${seconds(median(replay))} (${replay.map(seconds).join(', ')}) | ${rate(replayed, median(replay))} |
| whole simulation (SlaSimulator.simulate: reads, replay, recorded clocks, outcomes) | ${seconds(median(whole))} (${whole.map(seconds).join(', ')}) | ${rate(replayed, median(whole))} |
| ratio whole simulation / raw read | ${(median(whole) / median(raw)).toFixed(2)}× | |

Identity at this size: ${identity}.
`;
    console.log(section);
    if (process.env.BENCH_RECORD !== '0') recordResults(section);
  } finally {
    await runtime.close();
  }
}

runBench(main);
