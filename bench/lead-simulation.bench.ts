// Lead-pool what-if benchmark (issue 24, items 2-3): the identity month at the issue's size. 10,000 leads
// generated through the pool's LIVE command path (services/lead-pool/test/support/lead-month.ts, the same generator as
// lead-pool's identity test: captures, accepts, declines, time-outs by the allocator's own run, losses,
// duplicates, members off and on duty, on a manual clock), then the record read and replayed with the
// ratios in force: the replay must give every allocation and return the record holds, lead by lead.
// Measured: the generation, the record's read (the pool's event store + routing's roster topic, as
// POST /v1/simulations reads them), the replay (events/s), the whole simulation, and beside them a raw
// read of the same rows and topic (a plain SELECT of the pool's events, a plain kafkajs consumer of the
// roster topic from offset 0). Run: npm run bench (BENCH_RECORD=0 prints the section instead of recording
// it; BENCH_SIMULATION_LEADS sets the month's size)
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { ROSTER_TOPIC } from '@support/contracts';
import { kafkaClientOptions } from '@support/messaging';
import { Booking, recordedHistory, replayPool } from '../services/lead-pool/src/domain';
import { startLeadPoolRuntime } from '../services/lead-pool/src/lead-pool.providers';
import { generateLeadMonth, SettableClock } from '../services/lead-pool/test/support/lead-month';
import { machineLine } from './support/machine';
import { publishAsOwners } from './support/publish';
import { recordResults, runBench } from './support/results';
import { BENCH_AUDIT_KEY, benchKafka, DATABASE_URL, dropSchema, migrateForService } from './support/services';

const RUN = Date.now();
const SCHEMA = `bench_leadsim_${RUN}`;
const LEADS = Number(process.env.BENCH_SIMULATION_LEADS ?? 10_000);
const SEED = Number(process.env.BENCH_SIMULATION_SEED ?? 24);
const DAY = 86_400_000;
const FROM = new Date('2026-10-01T00:00:00+08:00');
const TO = new Date(FROM.getTime() + 30 * DAY);

class ManualClock implements SettableClock {
  private current = new Date(FROM.getTime() - DAY);
  now(): Date {
    return new Date(this.current);
  }
  set(at: Date): void {
    this.current = new Date(at);
  }
}

const ms = (value: number) => `${value.toFixed(0)} ms`;
const rate = (events: number, millis: number) => `${Math.round((events / Math.max(millis, 0.001)) * 1000).toLocaleString('en')}/s`;

/** a plain SELECT of the pool's lead and ratios events, in the store's global order (what the replay reads from the store) */
async function rawSelect(pool: Pool): Promise<{ rows: number; ms: number }> {
  const started = performance.now();
  const { rows } = await pool.query(
    `SELECT event_id, stream_id, stream_type, version, type, data, metadata, occurred_at, transaction_id, global_position
       FROM "${SCHEMA}".events WHERE stream_type IN ('lead', 'lead-policy') ORDER BY transaction_id, global_position`,
  );
  return { rows: rows.length, ms: performance.now() - started };
}

/** a plain kafkajs consumer in a new group reading the roster topic from offset 0 to its end, nothing done per message */
async function rawConsume(kafka: Kafka): Promise<{ messages: number; ms: number }> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `bench_leadsim_raw_${RUN}`;
  try {
    const ends = new Map((await admin.fetchTopicOffsets(ROSTER_TOPIC)).map(({ partition, high }) => [partition, Number(high)]));
    const expected = [...ends.values()].reduce((a, b) => a + b, 0);
    const consumer = kafka.consumer({ groupId });
    let consumed = 0;
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const started = performance.now();
    await consumer.connect();
    await consumer.subscribe({ topics: [ROSTER_TOPIC], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        consumed += batch.messages.length;
        if (consumed >= expected) done();
      },
    });
    if (expected > 0) await finished;
    const elapsed = performance.now() - started;
    await consumer.disconnect();
    return { messages: consumed, ms: elapsed };
  } finally {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const errors: unknown[] = [];
  // in-process like a service's main: its anchors need a signing key, its keyring a key-encryption key
  process.env.AUDIT_SIGNING_KEY ??= BENCH_AUDIT_KEY;
  process.env.PERSONAL_DATA_KEK ??= randomBytes(32).toString('base64');
  const clock = new ManualClock();
  const runtime = await startLeadPoolRuntime(
    { databaseUrl: await migrateForService('lead-pool', SCHEMA), kafka: benchKafka('lead-pool'), schema: SCHEMA, consumeFromBeginning: false, clock, tickIntervalMs: null },
    (error) => {
      if (errors.push(error) <= 3) console.error('runtime error:', error);
    },
  );
  const kafka = new Kafka({ clientId: 'bench-leadsim', ...kafkaClientOptions(benchKafka()), logLevel: logLevel.NOTHING });
  const pool = new Pool({ connectionString: DATABASE_URL, max: 1 });
  try {
    console.log(`generating ${LEADS} leads through the live command path (seed ${SEED})`);
    const month = await generateLeadMonth(
      runtime,
      clock,
      (facts) =>
        publishAsOwners(
          kafka,
          facts.map(({ type, memberId, data, at }) => ({ type, streamId: memberId, data, occurredAt: at })),
        ),
      { leads: LEADS, seed: SEED, from: FROM, to: TO, run: String(RUN).slice(-8), progressEvery: 1000 },
    );
    console.log(`generated in ${ms(month.generatedMs)} (${(month.generatedMs / LEADS).toFixed(1)} ms per lead)`);

    // the record as POST /v1/simulations reads it, the replay, and the identity lead by lead
    let started = performance.now();
    const record = await runtime.simulations.record(TO);
    const readMs = performance.now() - started;
    const events = record.inputs.length;
    const own = record.inputs.filter((input) => input.source !== 'roster').length;
    started = performance.now();
    const replay = replayPool(record.inputs, { from: FROM, ratios: month.ratios });
    const replayMs = performance.now() - started;
    started = performance.now();
    const recorded = recordedHistory(record.inputs);
    const recordedMs = performance.now() - started;
    const line = (b: Booking) => `${b.leadId} ${b.delta > 0 ? '+' : '-'} ${b.memberId} v${b.policyVersion} ${b.at.toISOString()}`;
    const simulated = replay.bookings.map(line);
    const live = recorded.bookings.map(line);
    const differing = live.filter((entry, i) => simulated[i] !== entry).length + Math.abs(simulated.length - live.length);
    const endsDiffer = [...recorded.leads].filter(([leadId, facts]) => {
      const mine = replay.leads.get(leadId)?.state;
      return mine?.status !== facts.state.status || mine?.allocatedTo !== facts.state.allocatedTo || mine?.acceptedBy !== facts.state.acceptedBy;
    }).length;
    const identical = differing === 0 && endsDiffer === 0 && replay.skippedResponses === 0;
    const first = live.findIndex((entry, i) => simulated[i] !== entry);
    if (first >= 0) console.log(`first difference at booking ${first}: recorded ${live[first]}, replayed ${simulated[first]}`);
    console.log(
      `record: ${events} events (${own} of the pool's store, ${events - own} roster), ${live.length} allocations and returns; identity: ${identical ? 'every allocation and return, every lead as recorded' : `${differing} bookings and ${endsDiffer} leads differ, ${replay.skippedResponses} responses skipped`}`,
    );

    // the whole simulation as the endpoint runs it (read, check, both histories, both outcomes)
    started = performance.now();
    const answer = await runtime.simulations.simulate({ from: FROM, to: TO }, month.ratios);
    const simulateMs = performance.now() - started;
    const sameOutcome = JSON.stringify(answer.proposed) === JSON.stringify(answer.actual);

    // raw reads of the same rows and topic, twice each, interleaved with a second read of the record
    const rawSelects = [await rawSelect(pool)];
    const rawConsumes = [await rawConsume(kafka)];
    started = performance.now();
    await runtime.simulations.record(TO);
    const readAgainMs = performance.now() - started;
    rawSelects.push(await rawSelect(pool));
    rawConsumes.push(await rawConsume(kafka));
    const select = rawSelects.reduce((a, b) => (b.ms < a.ms ? b : a));
    const consume = rawConsumes.reduce((a, b) => (b.ms < a.ms ? b : a));
    const loadAfter = loadavg();

    const section = `
## Lead pool what-if: the ${LEADS.toLocaleString('en')}-lead identity month, replay vs raw reads (${new Date().toISOString().slice(0, 10)})

Machine: ${machineLine()}; PostgreSQL and Kafka on the same machine; load average before ${loadBefore.map((l) => l.toFixed(2)).join(' / ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' / ')} (other work shared the machine).

One process: \`startLeadPoolRuntime\` on a fresh schema (real PostgreSQL, Kafka, its roster consumer), a manual clock.
The month: \`services/lead-pool/test/support/lead-month.ts\` (lead-pool's identity test's generator, seed ${SEED}), ratios 3:2:2:1 set the day
before the period, a tenth of the leads (at most 660) that day, the rest over 30 days.

| measure | value |
|---|---|
| generation through the live command path (LeadService, RatioPolicyService, LeadAllocator.runDue before each capture, roster via Kafka) | ${ms(month.generatedMs)} (${(month.generatedMs / LEADS).toFixed(1)} ms per lead) |
| the record: events replayed (the pool's lead and ratios events + roster events of the topic up to \`to\`) | ${events.toLocaleString('en')} (${own.toLocaleString('en')} + ${(events - own).toLocaleString('en')}); ${live.length.toLocaleString('en')} allocations and returns |
| identity (proposal = the ratios in force): allocations and returns lead by lead, every lead's end | ${identical ? '**identical**' : `**${differing} bookings and ${endsDiffer} leads differ**`}; outcome proposed = actual: ${sameOutcome ? 'yes' : 'NO'} |
| read of the record (event store in pages of 5,000 + roster topic in a throw-away group, merged), first / second | ${ms(readMs)} / ${ms(readAgainMs)} = ${rate(events, Math.min(readMs, readAgainMs))} events |
| **replay** (\`replayPool\`, pure, in memory) | **${ms(replayMs)} = ${rate(events, replayMs)} events** |
| the record folded as it is (\`recordedHistory\`) | ${ms(recordedMs)} = ${rate(events, recordedMs)} events |
| the whole simulation as \`POST /v1/simulations\` runs it (read + check + both histories + both outcomes), no HTTP | ${ms(simulateMs)} = ${rate(events, simulateMs)} events |
| raw: plain SELECT of the pool's lead and ratios events in store order (pg, one query), best of 2 | ${ms(select.ms)} = ${rate(select.rows, select.ms)} rows (${select.rows.toLocaleString('en')}) |
| raw: plain kafkajs consumer, new group, roster topic from offset 0 to its end (includes the group join), best of 2 | ${ms(consume.ms)} = ${rate(consume.messages, consume.ms)} messages (${consume.messages.toLocaleString('en')}) |
| runtime errors reported | ${errors.length} |
`;
    const record_ = process.env.BENCH_RECORD === '0' ? (text: string) => console.log(text) : recordResults;
    record_(section);
    if (!identical || !sameOutcome) throw new Error('the replay with the ratios in force did not give the record back');
  } finally {
    await runtime.close().catch(() => undefined);
    await pool.end();
    await dropSchema(SCHEMA);
  }
}

runBench(main);
