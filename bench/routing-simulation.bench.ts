// Routing what-if benchmark (issue 24): a generated month of 10,000 tickets (BENCH_SIM_TICKETS) decided by
// routing's LIVE engine and published to Kafka (services/routing/test/support/routing-month.ts), then simulated with no
// proposal: the identity (every ticket's replayed decisions equal the recorded ones) and the time the
// simulation takes, against a raw consume of the same topics (every message read, nothing decoded) and the
// reader's decode. Prints a RESULTS.md section; BENCH_RECORD=1 also puts it at the top of bench/RESULTS.md.
// Run: npm run build && node dist/bench/routing-simulation.bench.js
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { eventCatalogue, SCENARIOS_TOPIC, TICKETS_TOPIC } from '@support/contracts';
import { openServiceDataSource } from '@support/event-store';
import { createKafka, readRecordedEvents, scanTopicFromStart } from '@support/messaging';
import { replayRecord, RoutingSimulation, simulateRouting } from '../services/routing/src/application/routing-simulation.service';
import { routingMigrations } from '../services/routing/src/persistence/routing.migrations';
import { machineLine } from './support/machine';
import { recordResults, runBench } from './support/results';
import { freshMonth, liveRoutingMonth } from '../services/routing/test/support/routing-month';
import { benchKafka, DATABASE_URL } from './support/services';

const TICKETS = Number(process.env.BENCH_SIM_TICKETS ?? 10_000);

runBench(async () => {
  const schema = `bench_routing_sim_${Date.now()}`;
  const dataSource = await openServiceDataSource({ databaseUrl: DATABASE_URL, migrationDatabaseUrl: DATABASE_URL, schema, migrations: routingMigrations(schema) });
  const kafka = createKafka('bench-routing-sim', benchKafka(), pino({ level: 'silent' }));
  try {
    const period = await freshMonth(kafka, `${schema}.`);
    const month = await liveRoutingMonth({ dataSource, schema, publisher: kafka, period, tickets: TICKETS });
    console.log(`live: ${month.tickets} tickets, ${month.liveInputs} inputs decided in ${(month.liveMs / 1000).toFixed(1)} s; ${month.published} events published`);

    // a raw consume of the same topics: every message, nothing decoded
    let raw = 0;
    const rawStarted = performance.now();
    for (const topic of [SCENARIOS_TOPIC, TICKETS_TOPIC]) await scanTopicFromStart(kafka, topic, () => raw++);
    const rawMs = performance.now() - rawStarted;

    // the simulation's own reader (decoded, validated, ordered), then the replay alone, then the whole answer
    const readStarted = performance.now();
    const recorded = await readRecordedEvents(kafka, [SCENARIOS_TOPIC, TICKETS_TOPIC], { groupPrefix: `${schema}.`, upTo: period.to, catalogue: eventCatalogue });
    const readMs = performance.now() - readStarted;

    const simulation = new RoutingSimulation(dataSource, kafka, schema);
    const simulateStarted = performance.now();
    const read = await simulation.read(period.to);
    const answer = await simulateRouting(read, { members: [] }, period);
    const simulateMs = performance.now() - simulateStarted;
    const replayStarted = performance.now();
    const { replay } = await replayRecord(read, { members: [] }, period);
    const replayMs = performance.now() - replayStarted;
    const inputs = replay.replayed.eventsBefore + replay.replayed.eventsInPeriod;

    // the identity, ticket by ticket
    const rows: Array<{ stream_id: string; type: string; occurred_at: Date; data: unknown }> = await dataSource.query(
      `SELECT stream_id, type, occurred_at, data FROM "${schema}".events WHERE stream_type = 'ticket-routing' ORDER BY stream_id, version`,
    );
    const key = (ticketId: string, type: string, at: string, data: unknown) => `${ticketId} ${type} ${at} ${canonical(data)}`;
    const recordedKeys = rows.map((r) => key(r.stream_id, r.type, r.occurred_at.toISOString(), r.data));
    const byTicket = new Map<string, string[]>();
    for (const d of replay.decisions) byTicket.set(d.ticketId, [...(byTicket.get(d.ticketId) ?? []), key(d.ticketId, d.type, d.at, d.data)]);
    const replayedKeys = [...byTicket.keys()].sort().flatMap((id) => byTicket.get(id)!);
    const identical = recordedKeys.length === replayedKeys.length && recordedKeys.every((k, i) => k === replayedKeys[i]);
    const sameOutcome = JSON.stringify(answer.actual) === JSON.stringify(answer.proposed);

    const perSecond = (n: number, ms: number) => Math.round(n / (ms / 1000)).toLocaleString('en-US');
    const section = `## Routing what-if: a month of ${month.tickets.toLocaleString('en-US')} tickets replayed (issue 24)

${machineLine()}

A month generated and decided by routing's live engine (consumer path with a manual clock, roster service, a lead's manual
assignments, the scenario catalogue): ${month.liveInputs.toLocaleString('en-US')} inputs in ${(month.liveMs / 1000).toFixed(1)} s, ${rows.length.toLocaleString('en-US')} decisions;
${month.published.toLocaleString('en-US')} ticket and catalogue events published. Then \`POST /v1/simulations\`'s work with no proposal.

| step | events | time | events/s |
|---|---|---|---|
| raw consume of the two topics (every message, not decoded) | ${raw.toLocaleString('en-US')} | ${(rawMs / 1000).toFixed(2)} s | ${perSecond(raw, rawMs)} |
| the simulation's reader (decoded, validated, ordered; up to \`to\`: ${recorded.events.length.toLocaleString('en-US')}) | ${raw.toLocaleString('en-US')} | ${(readMs / 1000).toFixed(2)} s | ${perSecond(raw, readMs)} |
| the replay alone (live rounds on tables in memory) | ${inputs.toLocaleString('en-US')} inputs | ${(replayMs / 1000).toFixed(2)} s | ${perSecond(inputs, replayMs)} |
| the whole simulation (store + topics read, replay, both outcomes) | ${inputs.toLocaleString('en-US')} inputs | ${(simulateMs / 1000).toFixed(2)} s | ${perSecond(inputs, simulateMs)} |

Identity (every ticket's replayed decisions equal the recorded ones, type, data and instant, in order): **${identical ? 'yes' : 'NO'}**;
outcomes equal: **${sameOutcome ? 'yes' : 'NO'}**. Target: a month of 10,000 tickets simulated in under 60 s.
`;
    console.log(section);
    if (process.env.BENCH_RECORD === '1') recordResults(section);
    if (!identical || !sameOutcome) throw new Error('the replay did not reproduce the record');
  } finally {
    await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource.destroy();
  }
});

/** JSON with object keys sorted (the store's jsonb keeps its own key order) */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}
