// SLA clocks benchmark: 100,000 running clocks whose deadlines fall shortly after seeding ends (98 % evenly
// over a 120 s window, 2 % in a slower lead-in just before it); the real scheduler (system clock, its normal
// interval) fires them, and each clock's lateness is (when its firing was recorded) - (when it was due).
// Baselines in the same run: plain pg single-row insert-and-commit, and plain setTimeout lateness for
// 100,000 timers. Run: npm run bench (BENCH_RECORD=0 prints the section instead of recording it)
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { Pool } from 'pg';
import { startSlaMonitorRuntime, SlaMonitorRuntime } from '../services/sla-monitor/src/sla-monitor.providers';
import { machineLine, percentile } from './support/machine';
import { recordResults } from './support/results';
import { BENCH_AUDIT_KEY, migrateForService, benchKafka } from './support/services';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SCHEMA = `bench_sla_${Date.now()}`;
const CLOCKS = Number(process.env.BENCH_CLOCKS ?? 100_000);
/** 2 % of the deadlines: a lead-in in the time left between the end of seeding and the window */
const LEAD_IN = Math.ceil(CLOCKS / 50);
/** the other deadlines evenly over this many seconds */
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 120);
/** seeding: this many transactions at once, each taking this many received events through SlaMonitor.onEvents */
const SEED_TXNS = 4;
const SEED_BATCH = 100;
/** when the window's deadlines start: after the seeding time the calibration predicts, times this, plus 8 s */
const SEED_SLACK = 1.1;
/** stop waiting this long after the window closed (the run stays near 10 minutes); what has not fired by then counts as late by at least that */
const GIVE_UP_S = Number(process.env.BENCH_GIVE_UP_S ?? 240);
const TIMERS_WINDOW_S = 5;
const RAW_SECONDS = 5;
const RAW_CONNECTIONS = 4; // as many as the scheduler's transactions at once (SlaMonitor.runDue)

// the default hand-over rule: due 15 min after the customer's request (requestedAt), warning at 80 % (12 min)
const WARN_AFTER_MS = 12 * 60_000;
const WARNED = 'support.sla.clock-warned.v1';
const BREACHED = 'support.sla.clock-breached.v1';

type Incoming = { id: string; type: string; data: Record<string, unknown>; occurredAt: Date };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

/** a ticket received now whose customer asked so long ago that its hand-over clock warns at `warnAt` */
function received(warnAt: number): Incoming {
  const now = new Date();
  return {
    id: randomUUID(),
    type: 'support.ticket.received.v1',
    data: {
      ticketId: randomUUID(),
      customerId: randomUUID(),
      customer: { name: 'Bench Customer' },
      channel: 'phone',
      deviceModel: 'Bench Device',
      problem: '开机蓝屏 (benchmark)',
      urgency: Math.random() < 0.3 ? 'urgent' : 'normal',
      requestedAt: new Date(warnAt - WARN_AFTER_MS).toISOString(),
      receivedAt: now.toISOString(),
    },
    occurredAt: now,
  };
}

const cancelled = (ticketId: string): Incoming => ({
  id: randomUUID(),
  type: 'support.ticket.cancelled.v1',
  data: { ticketId, reason: 'benchmark calibration' },
  occurredAt: new Date(),
});

/** the baseline of the database: plain pg, one row per autocommitted INSERT, as many connections as the scheduler uses */
async function rawInsertRate(): Promise<number> {
  const pool = new Pool({ connectionString: DATABASE_URL, max: RAW_CONNECTIONS });
  const schema = `"${SCHEMA}_raw"`;
  await pool.query(`CREATE SCHEMA ${schema}`);
  await pool.query(`CREATE TABLE ${schema}.rows (id uuid PRIMARY KEY, body jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
  let inserted = 0;
  const until = Date.now() + RAW_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: RAW_CONNECTIONS }, async () => {
      while (Date.now() < until) {
        await pool.query(`INSERT INTO ${schema}.rows (id, body) VALUES ($1, $2)`, [randomUUID(), JSON.stringify({ clockId: randomUUID(), at: new Date() })]);
        inserted++;
      }
    }),
  );
  await pool.query(`DROP SCHEMA ${schema} CASCADE`);
  await pool.end();
  return inserted / RAW_SECONDS;
}

/** the baseline of the runtime: how late plain setTimeout fires 100,000 timers spread over a few seconds */
async function timerLateness(count: number): Promise<{ p50: number; p99: number; max: number }> {
  const start = performance.now() + 500;
  const late: number[] = [];
  await new Promise<void>((resolve) => {
    for (let i = 0; i < count; i++) {
      const at = start + (i / count) * TIMERS_WINDOW_S * 1000;
      setTimeout(() => {
        late.push(performance.now() - at);
        if (late.length === count) resolve();
      }, at - performance.now());
    }
  });
  late.sort((a, b) => a - b);
  return { p50: percentile(late, 50), p99: percentile(late, 99), max: late[late.length - 1] };
}

/** feeds events through the monitor, `SEED_TXNS` transactions at once: one event each (onEvent) or `SEED_BATCH` (onEvents) */
async function feed(runtime: SlaMonitorRuntime, events: Incoming[], perTransaction: 'one' | 'batch'): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: SEED_TXNS }, async () => {
      while (next < events.length) {
        const batch = events.slice(next, next + (perTransaction === 'one' ? 1 : SEED_BATCH));
        next += batch.length;
        await runtime.dataSource.transaction((manager) => (perTransaction === 'one' ? runtime.monitor.onEvent(manager, batch[0]) : runtime.monitor.onEvents(manager, batch)));
      }
    }),
  );
  return events.length / ((performance.now() - started) / 1000);
}

/** A clock's first firing: its warning, or a breach when the Tick came after the due time (3 min after the warning's). */
interface Firing {
  ticketId: string;
  warnAt: number;
  /** when it fired; undefined: not by the end of the run */
  firedAt?: number;
  lateMs: number;
  breach: boolean;
}

async function firstFirings(pool: Pool, warnFrom: number, warnTo: number, endedAt: number): Promise<Firing[]> {
  // version 2 of a clock's stream is what followed its start. occurred_at: the monitor's clock when it decided
  // and appended the event, inside the transaction that records it (recorded_at is that transaction's start)
  const { rows } = await pool.query<{ ticket_id: string; warn_ms: string; fired_ms: string | null; type: string | null }>(
    `SELECT c.ticket_id, (extract(epoch FROM c.warn_at) * 1000)::bigint AS warn_ms, (extract(epoch FROM e.occurred_at) * 1000)::bigint AS fired_ms, e.type
       FROM "${SCHEMA}".clocks c
       LEFT JOIN "${SCHEMA}".events e ON e.stream_id = c.clock_id AND e.version = 2 AND e.type IN ($1, $2)
      WHERE c.warn_at >= to_timestamp($3 / 1000.0) AND c.warn_at <= to_timestamp($4 / 1000.0) AND c.status <> 'cancelled'`,
    [WARNED, BREACHED, warnFrom, warnTo],
  );
  return rows.map((r) => {
    const warnAt = Number(r.warn_ms);
    const firedAt = r.fired_ms === null ? undefined : Number(r.fired_ms);
    return { ticketId: r.ticket_id, warnAt, firedAt, lateMs: (firedAt ?? endedAt) - warnAt, breach: r.type === BREACHED };
  });
}

function lateness(firings: Firing[]) {
  const late = firings.map((f) => f.lateMs).sort((a, b) => a - b);
  const unfired = firings.filter((f) => f.firedAt === undefined).length;
  return {
    count: firings.length,
    unfired,
    p50: percentile(late, 50),
    p99: percentile(late, 99),
    max: late[late.length - 1] ?? NaN,
    underOneSecond: late.filter((l) => l < 1000).length,
  };
}

/** the most clocks fired within one second of wall clock */
function peakPerSecond(firings: Firing[]): number {
  const perSecond = new Map<number, number>();
  for (const f of firings) if (f.firedAt !== undefined) perSecond.set(Math.floor(f.firedAt / 1000), (perSecond.get(Math.floor(f.firedAt / 1000)) ?? 0) + 1);
  return Math.max(0, ...perSecond.values());
}

/** feeds clocks warning at `warnAts`, in that order, SEED_BATCH tickets per transaction; counts those committed after their warning time */
async function seed(runtime: SlaMonitorRuntime, warnAts: number[], progress: boolean): Promise<{ committedLate: number; ticketIds: Set<string> }> {
  let committedLate = 0;
  const ticketIds = new Set<string>();
  let cursor = 0;
  await Promise.all(
    Array.from({ length: SEED_TXNS }, async () => {
      while (cursor < warnAts.length) {
        const from = cursor;
        const to = Math.min(warnAts.length, from + SEED_BATCH);
        cursor = to;
        const due = warnAts.slice(from, to);
        const batch = due.map(received); // occurredAt: now
        for (const event of batch) ticketIds.add(event.data.ticketId as string);
        await runtime.dataSource.transaction((manager) => runtime.monitor.onEvents(manager, batch));
        const committed = Date.now();
        committedLate += due.filter((w) => w <= committed).length;
        if (progress && Math.floor(to / 10_000) !== Math.floor(from / 10_000)) console.log(`  ${to} fed`);
      }
    }),
  );
  return { committedLate, ticketIds };
}

const spread = (count: number, from: number, durationMs: number) => Array.from({ length: count }, (_, i) => from + Math.floor(((i + 0.5) / count) * durationMs));

async function main() {
  const benchStart = Date.now();
  const loadBefore = loadavg();
  console.log(`load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`);
  const raw = await rawInsertRate();
  console.log(`raw insert-and-commit, ${RAW_CONNECTIONS} connections: ${raw.toFixed(0)}/s`);
  const timers = await timerLateness(CLOCKS);
  console.log(`setTimeout, ${CLOCKS} timers over ${TIMERS_WINDOW_S} s: lateness p50 ${timers.p50.toFixed(1)} ms, p99 ${timers.p99.toFixed(1)} ms, max ${timers.max.toFixed(1)} ms`);

  const errors: unknown[] = [];
  // in-process like a service's main: its anchors need a signing key
  process.env.AUDIT_SIGNING_KEY ??= BENCH_AUDIT_KEY;
  // as its runtime role, after the migrate step (bench/support/services.ts)
  const runtime = await startSlaMonitorRuntime(
    { databaseUrl: await migrateForService('sla-monitor', SCHEMA), kafka: benchKafka('sla-monitor'), schema: SCHEMA, consumeFromBeginning: false },
    (error) => {
      if (errors.push(error) <= 3) console.error('runtime error:', error);
    },
  );
  const pool = new Pool({ connectionString: DATABASE_URL, max: 1 });
  let closed = false;
  try {
    // calibration on tickets cancelled right after: the rate of onEvent (one event per transaction) and of
    // onEvents (a batch per transaction); the latter places the window after the end of seeding
    const probe = Array.from({ length: 400 }, () => received(Date.now() + 11 * 60_000));
    const perEvent = await feed(runtime, probe, 'one');
    const calibration = Array.from({ length: 5000 }, () => received(Date.now() + 11 * 60_000));
    const perBatch = await feed(runtime, calibration, 'batch');
    await feed(
      runtime,
      [...probe, ...calibration].map((e) => cancelled(e.data.ticketId as string)),
      'batch',
    );
    console.log(`seeding rate: onEvent ${perEvent.toFixed(0)} clocks/s, onEvents ${perBatch.toFixed(0)} clocks/s (${SEED_TXNS} transactions at once)`);

    // the window's clocks first, in the order of their deadlines (a slow seeding brings only the latest ones
    // closer to their start); then the lead-in's, spread over what is left until the window opens
    const seedStart = Date.now();
    const windowStart = seedStart + Math.ceil((CLOCKS / perBatch) * SEED_SLACK * 1000) + 8_000;
    const windowEnd = windowStart + WINDOW_S * 1000;
    if (windowEnd - WARN_AFTER_MS >= seedStart) throw new Error('the window ends too late for the hand-over rule (12 min to the warning)');
    const windowWarnAts = spread(CLOCKS - LEAD_IN, windowStart, WINDOW_S * 1000);
    const windowSeeded = await seed(runtime, windowWarnAts, true);
    const leadInStart = Date.now() + 4_000; // its own seeding takes about 3 s
    const leadInMs = Math.max(10_000, windowStart - 1_000 - leadInStart); // at least 10 s, if need be into the window
    const leadInWarnAts = spread(LEAD_IN, leadInStart, leadInMs);
    const leadInSeeded = await seed(runtime, leadInWarnAts, false);
    const committedLate = windowSeeded.committedLate + leadInSeeded.committedLate;
    const seedEnd = Date.now();
    const seedRate = CLOCKS / ((seedEnd - seedStart) / 1000);
    const memorySeeded = process.memoryUsage();
    const {
      rows: [sizes],
    } = await pool.query<{ running: number; clocks_size: string; events_size: string }>(
      `SELECT count(*) FILTER (WHERE status = 'running')::int AS running,
              pg_total_relation_size('"${SCHEMA}".clocks') AS clocks_size, pg_total_relation_size('"${SCHEMA}".events') AS events_size
         FROM "${SCHEMA}".clocks`,
    );
    const leadInRate = LEAD_IN / (leadInMs / 1000);
    const windowRate = (CLOCKS - LEAD_IN) / WINDOW_S;
    console.log(
      `seeded ${CLOCKS} clocks in ${seconds(seedEnd - seedStart)} (${seedRate.toFixed(0)}/s), ${sizes.running} running; lead-in ${LEAD_IN} over ${seconds(leadInMs)} from ${seconds(leadInStart - seedEnd)} on, ` +
        `window ${seconds(windowStart - seedEnd)} on; RSS ${mib(memorySeeded.rss)}, heap used ${mib(memorySeeded.heapUsed)} of ${mib(memorySeeded.heapTotal)}`,
    );

    // the scheduler has run since the start, every 250 ms: wait until every clock has fired (or give up)
    let peakRss = memorySeeded.rss;
    let peakHeap = memorySeeded.heapUsed;
    const giveUpAt = windowEnd + GIVE_UP_S * 1000;
    let lastReport = 0;
    const allWarnAts = [...leadInWarnAts, ...windowWarnAts];
    const firstWarnAt = Math.min(leadInWarnAts[0], windowWarnAts[0]);
    const lastWarnAt = Math.max(leadInWarnAts[LEAD_IN - 1], windowWarnAts[windowWarnAts.length - 1]);
    while (Date.now() < giveUpAt) {
      await sleep(2000);
      const memory = process.memoryUsage();
      peakRss = Math.max(peakRss, memory.rss);
      peakHeap = Math.max(peakHeap, memory.heapUsed);
      // a breach sets the warned flag too
      const {
        rows: [{ fired }],
      } = await pool.query<{ fired: number }>(`SELECT count(*)::int AS fired FROM "${SCHEMA}".clocks WHERE warned AND warn_at >= to_timestamp($1 / 1000.0)`, [firstWarnAt - 1000]);
      const now = Date.now();
      if (now >= firstWarnAt && now - lastReport >= 10_000) {
        lastReport = now;
        console.log(`  t=${((now - windowStart) / 1000).toFixed(0)} s: ${fired} fired of ${allWarnAts.filter((w) => w <= now).length} due`);
      }
      if (fired >= CLOCKS) break;
    }
    const endedAt = Date.now();
    const {
      rows: [{ behind }],
    } = await pool.query<{ behind: number }>(
      `SELECT count(*)::int AS behind FROM "${SCHEMA}".outbox o
        WHERE (o.transaction_id, o.position) > coalesce((SELECT (transaction_id, position) FROM "${SCHEMA}".relay_checkpoints WHERE relay = 'outbox'), ('0'::xid8, 0::bigint))`,
    );
    await runtime.close();
    closed = true;

    const firings = await firstFirings(pool, firstWarnAt - 1000, lastWarnAt + 1000, endedAt); // a second either side: no rounding loses one
    const {
      rows: [{ doubled, second }],
    } = await pool.query<{ doubled: number; second: number }>(
      `SELECT count(*) FILTER (WHERE n > 1)::int AS doubled, count(*) FILTER (WHERE breached_after_warning)::int AS second
         FROM (SELECT stream_id, count(*) FILTER (WHERE type = $1) AS n, bool_or(type = $2 AND version = 3) AS breached_after_warning
                 FROM "${SCHEMA}".events WHERE type IN ($1, $2) GROUP BY stream_id) per_clock`,
      [WARNED, BREACHED],
    );
    const all = lateness(firings);
    const inLeadIn = (f: Firing) => leadInSeeded.ticketIds.has(f.ticketId);
    const leadIn = lateness(firings.filter(inLeadIn));
    const window = lateness(firings.filter((f) => !inLeadIn(f)));
    const instead = firings.filter((f) => f.breach).length;
    const windowFired = firings.filter((f) => !inLeadIn(f) && f.firedAt !== undefined).map((f) => f.firedAt as number);
    const firedPerSecond = windowFired.length / ((Math.max(...windowFired) - Math.min(...windowFired)) / 1000);
    const peak = peakPerSecond(firings);
    const loadAfter = loadavg();
    const foreign = sizes.running - CLOCKS; // the consumer also took other tickets from the shared Kafka topic
    const meets = all.unfired === 0 && all.count === CLOCKS && all.p99 < 1000;
    const n = (value: number) => value.toLocaleString('en-US');
    const atLeast = (s: ReturnType<typeof lateness>) => (s.unfired > 0 ? '≥ ' : '');
    const line = (s: ReturnType<typeof lateness>) => `p50 ${seconds(s.p50)}, p99 ${atLeast(s)}${seconds(s.p99)}, max ${atLeast(s)}${seconds(s.max)}`;
    console.log(`all ${all.count} clocks: ${line(all)}; ${all.underOneSecond} under 1 s; ${all.unfired} not fired; ${instead} breached without a warning (over 3 min late)`);
    console.log(
      `lead-in (${leadIn.count} at ${leadInRate.toFixed(0)}/s): ${line(leadIn)}; window (${window.count} at ${windowRate.toFixed(0)}/s): ${line(window)}; ${firedPerSecond.toFixed(0)} fired/s (best second ${peak})`,
    );
    console.log(`warned twice: ${doubled}; breaches after a warning before the stop: ${second}; outbox rows not relayed at the stop: ${behind}; runtime errors: ${errors.length}`);
    console.log(`verdict: p99 lateness ${meets ? 'under' : 'NOT under'} 1 s`);

    const record = process.env.BENCH_RECORD === '0' ? (section: string) => console.log(section) : recordResults;
    record(`
## SLA monitor: ${n(CLOCKS)} running clocks, deadline lateness (${new Date().toISOString().slice(0, 10)})

Machine: ${machineLine()}; PostgreSQL and Kafka on the same machine; load average before the run ${loadBefore.map((l) => l.toFixed(2)).join(' / ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' / ')} (other work shared the machine).

One process: \`startSlaMonitorRuntime\` on a fresh schema (real PostgreSQL, Kafka, outbox relay, consumer, and the
scheduler on the system clock at its default 250 ms). ${n(CLOCKS)} tickets received (\`support.ticket.received.v1\`,
through \`SlaMonitor.onEvents\`) each start the default hand-over clock (due 15 min after the customer's request,
warning at 80 %), ${n(sizes.running)} running at the end of seeding. The requests are back-dated so that the warnings fall
after seeding ended: ${n(CLOCKS - LEAD_IN)} evenly over a ${WINDOW_S} s window from ${seconds(windowStart - seedEnd)} on (**${windowRate.toFixed(0)} deadlines/s**), and
before it a lead-in of ${n(LEAD_IN)} evenly over ${seconds(leadInMs)} (${leadInRate.toFixed(0)}/s) from ${seconds(leadInStart - seedEnd)} on. A clock's lateness: its first
firing's \`occurred_at\` (the monitor's clock in the transaction that records it) minus its \`warn_at\`; that firing
is the warning, or the breach when the Tick comes after the due time (3 min after the warning's: then the domain
breaches without warning). The run stops when every clock has fired, or ${GIVE_UP_S} s after the window closed.

| measure | value |
|---|---|
| **all ${n(all.count)} clocks, first firing late by** | **${line(all)}** (${((all.underOneSecond / Math.max(1, all.count)) * 100).toFixed(1)} % under 1 s${all.unfired > 0 ? `; ${n(all.unfired)} not fired by the stop, counted as late by their wait so far` : ''}) |
| verdict: p99 under 1 s | **${meets ? 'yes' : 'NO: missed'}** |
| the window's ${n(window.count)}, ${windowRate.toFixed(0)} deadlines/s | ${line(window)} |
| the lead-in's ${n(leadIn.count)}, ${leadInRate.toFixed(0)} deadlines/s, all ${n(CLOCKS)} clocks running | ${line(leadIn)} |
| breached without a warning (the warning over 3 min late) | ${n(instead)} |
| fired per second, the window's first to last firing | ${firedPerSecond.toFixed(0)}/s (best second ${peak}) |
| raw baseline: plain pg single-row INSERT + commit, ${RAW_CONNECTIONS} connections | ${raw.toFixed(0)} rows/s |
| ratio fired / raw | **${((firedPerSecond / raw) * 100).toFixed(0)} %** |
| raw baseline: plain \`setTimeout\`, ${n(CLOCKS)} timers over ${TIMERS_WINDOW_S} s | lateness p50 ${timers.p50.toFixed(1)} ms, p99 ${timers.p99.toFixed(1)} ms, max ${timers.max.toFixed(1)} ms |
| memory at ${n(sizes.running)} running clocks (end of seeding) | RSS ${mib(memorySeeded.rss)}, heap used ${mib(memorySeeded.heapUsed)} of ${mib(memorySeeded.heapTotal)}; PostgreSQL: clocks table ${mib(Number(sizes.clocks_size))}, events ${mib(Number(sizes.events_size))} |
| memory while firing (peak of 2 s samples) | RSS ${mib(peakRss)}, heap used ${mib(peakHeap)} |
| seeding, ${SEED_TXNS} transactions at once | \`onEvents\`, ${SEED_BATCH} tickets per transaction: ${seedRate.toFixed(0)} clocks/s (${seconds(seedEnd - seedStart)}); \`onEvent\`, one per transaction: ${perEvent.toFixed(0)} clocks/s (calibration); ${n(committedLate)} clocks committed after their warning time |
| clocks warned twice; breaches after a warning before the stop; outbox rows not relayed at the stop; runtime errors | ${doubled}; ${n(second)}; ${behind}; ${errors.length} |
${foreign > 0 ? `| clocks of other tickets, consumed from the shared Kafka topic during the run | ${foreign} |\n` : ''}| the whole run (baselines, calibration, seeding, firing) | ${seconds(Date.now() - benchStart)} |

The scheduler takes the due clocks (index on \`next_tick_at\`), 500 at a time, and fires them 100 to a transaction,
2 transactions at once: read the clocks' streams, decide each Tick, append the events with their hash chains, their
outbox rows and NOTIFY, update the clock rows: about 11 statements per 100 clocks (a batch that meets a conflict or a
failing clock is fired again clock by clock). The process holds no state per clock: the clocks live in PostgreSQL,
the scheduler holds one batch of ids.
${
  meets
    ? ''
    : `
**p99 lateness misses 1 s.** What limits it is the scheduler's throughput, ${firedPerSecond.toFixed(0)} clocks/s here, against the window's
${windowRate.toFixed(0)} deadlines/s: the deadlines queue, and lateness grows with the queue until it drains. At ${leadInRate.toFixed(0)} deadlines/s (the lead-in,
all ${n(CLOCKS)} clocks running) the p99 was ${seconds(leadIn.p99)}. The cost is per clock fired, the statements of one transaction (round
trips and commits on this 2-core machine, shared with PostgreSQL, Kafka and the relay), not the number of clocks
running. Under 1 s at ${windowRate.toFixed(0)}/s needs a cheaper firing path (several clocks per transaction) or more monitors sharing
the due clocks.
`
}`);
  } finally {
    if (!closed) await runtime.close().catch(() => undefined);
    await pool.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
    await pool.end();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
