import { kafkaClientOptions } from '@support/messaging';
// Dashboard benchmark: (1) POST /v1/tickets on intake -> the ticket on the dashboard's live stream (SSE),
// p50/p99 at steady rates; (2) a projection rebuild from offset 0 against a plain kafkajs consumer reading
// the same topics in the same run; the dashboard's memory. It leaves its synthetic events on the local topics
// (they are the record), so later rebuilds on that broker read them too. Run: npm run bench
import { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { eventCatalogue, TICKETS_TOPIC } from '@support/contracts';
import { machineLine, percentile } from './support/machine';
import { publishAsOwners } from './support/publish';
import { recordResults } from './support/results';
import { DATABASE_URL, residentMiB, startService, stopService, benchKafka, benchToken, waitUntilCaughtUp } from './support/services';

const RUN = Date.now();
const INTAKE = { port: 3921, schema: `bench_dash_intake_${RUN}` };
const DASHBOARD = { port: 3920, schema: `bench_dash_${RUN}` };
const RATES = (process.env.BENCH_DASHBOARD_RATES ?? '50,200').split(',').map(Number);
// one run of either measure swings by a quarter on this shared 2-core machine: each is repeated and the median reported
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SYNTHETIC_TICKETS = Number(process.env.BENCH_REBUILD_TICKETS ?? 15_000);
// BENCH_DASHBOARD_REBUILD=0 measures the latency only (printed, not recorded): for working on the path
const REBUILD = process.env.BENCH_DASHBOARD_REBUILD !== '0';

const WATCH_GROUP = `bench_dash_watch_${RUN}`;
const kafka = new Kafka({ clientId: 'bench-dashboard', ...kafkaClientOptions(benchKafka()), logLevel: logLevel.NOTHING });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const topics = eventCatalogue.topics();

/** the dashboard's live stream: when each ticket id first appears on it */
async function watchLiveStream(token: string): Promise<{ seenAt: Map<string, number>; close(): void }> {
  const seenAt = new Map<string, number>();
  const abort = new AbortController();
  const response = await fetch(`http://127.0.0.1:${DASHBOARD.port}/v1/live`, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: abort.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  void (async () => {
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const id = /"ticketId":"([0-9a-f-]{36})"/.exec(buffer.slice(0, end))?.[1];
        if (id && !seenAt.has(id)) seenAt.set(id, performance.now());
        buffer = buffer.slice(end + 2);
      }
    }
  })();
  return { seenAt, close: () => abort.abort() };
}

/**
 * Where a ticket is on its way to the dashboard, besides the live stream: each received event's time on
 * the broker (the relay's produce, CreateTime) and its arrival at a plain kafkajs consumer of its own group,
 * both on performance.now()'s scale, so a latency splits into intake + relay, broker, and the dashboard.
 */
async function watchTicketsTopic(): Promise<{ producedAt: Map<string, number>; consumedAt: Map<string, number>; close(): Promise<void> }> {
  const producedAt = new Map<string, number>();
  const consumedAt = new Map<string, number>();
  const consumer = kafka.consumer({ groupId: WATCH_GROUP, maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic: TICKETS_TOPIC, fromBeginning: false });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.headers?.ce_type?.toString() !== 'support.ticket.received.v1' || !message.key) return;
      const id = message.key.toString();
      consumedAt.set(id, performance.now());
      producedAt.set(id, Number(message.timestamp) - performance.timeOrigin);
    },
  });
  await joined;
  return {
    producedAt,
    consumedAt,
    close: () => consumer.disconnect(),
  };
}

interface Stages {
  producedAt: Map<string, number>;
  consumedAt: Map<string, number>;
}

/** POSTs tickets at a steady rate; the time from each POST's start to its ticket on the live stream, and to each stage on the way */
async function postToDashboard(rate: number, desk: string, seenAt: Map<string, number>, stages: Stages): Promise<Measured> {
  const sentAt = new Map<string, number>();
  const answeredAt = new Map<string, number>();
  const posts: Array<Promise<void>> = [];
  const total = rate * SECONDS;
  const begin = performance.now();
  for (let i = 0; i < total; i++) {
    const started = performance.now();
    posts.push(
      fetch(`http://127.0.0.1:${INTAKE.port}/v1/tickets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${desk}` },
        body: JSON.stringify({
          channel: 'api',
          customer: { name: 'Bench', phone: `+86 13${Math.floor(100_000_000 + Math.random() * 899_999_999)}` },
          deviceModel: 'Bench PC',
          problem: 'bench',
          urgency: 'normal',
        }),
      })
        .then((r) => r.json() as Promise<{ id: string }>)
        .then((body) => {
          sentAt.set(body.id, started);
          answeredAt.set(body.id, performance.now());
        }),
    );
    // open loop: the schedule does not wait for answers
    const next = begin + ((i + 1) * 1000) / rate;
    await sleep(Math.max(0, next - performance.now()));
  }
  await Promise.all(posts);
  const deadline = Date.now() + 60_000;
  while ([...sentAt.keys()].some((id) => !seenAt.has(id)) && Date.now() < deadline) await sleep(100);
  const seen = [...sentAt].filter(([id]) => seenAt.has(id));
  const stage = (at: Map<string, number>): StageTimes => {
    const sorted = seen
      .filter(([id]) => at.has(id))
      .map(([id, started]) => at.get(id)! - started)
      .sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  };
  const onDashboard = stage(seenAt);
  return { ...onDashboard, count: seen.length, total, answered: stage(answeredAt), produced: stage(stages.producedAt), consumed: stage(stages.consumedAt) };
}

const stageLine = (runs: Measured[], pick: (run: Measured) => StageTimes): string =>
  `${median(runs.map((r) => pick(r).p50)).toFixed(1)} / ${median(runs.map((r) => pick(r).p99)).toFixed(1)}`;

interface StageTimes {
  p50: number;
  p99: number;
}

/** from a POST's start: to the ticket on the live stream (p50, p99), and to each stage on the way */
interface Measured extends StageTimes {
  count: number;
  total: number;
  /** intake's answer */
  answered: StageTimes;
  /** the relay's produce (the message's CreateTime, ms resolution) */
  produced: StageTimes;
  /** a plain kafkajs consumer's receipt */
  consumed: StageTimes;
}

/** ticket and clock events as intake and sla-monitor publish them, for the rebuild to chew on */
async function publishSyntheticHistory(tickets: number): Promise<number> {
  const at = new Date().toISOString();
  const events = Array.from({ length: tickets }, () => {
    const ticketId = randomUUID();
    const clockId = `ticket:${ticketId}:first-contact`;
    return [
      {
        type: 'support.ticket.received.v1',
        streamId: ticketId,
        data: {
          ticketId,
          customerId: randomUUID(),
          customer: { name: 'Bench', phone: '+86 138 0000 0000' },
          channel: 'api',
          deviceModel: 'Bench PC',
          problem: 'bench',
          urgency: 'normal',
          requestedAt: at,
          receivedAt: at,
        },
      },
      { type: 'support.ticket.assigned.v1', streamId: ticketId, data: { ticketId, assignee: { id: 'bench-agent', role: 'agent' }, tier: 'L1' } },
      {
        type: 'support.sla.clock-started.v1',
        streamId: clockId,
        data: {
          clockId,
          ruleId: 'first-contact',
          subject: { type: 'ticket', id: ticketId },
          ticketId,
          startedAt: at,
          dueAt: at,
          warnAt: at,
          timeBasis: 'calendar',
          targetMinutes: 60,
          urgency: 'normal',
        },
      },
      { type: 'support.ticket.contacted.v1', streamId: ticketId, data: { ticketId, channel: 'phone', contactedAt: at } },
    ];
  }).flat();
  await publishAsOwners(kafka, events);
  return events.length;
}

/** every message on the catalogue's topics now */
async function messagesOnTopics(): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  let total = 0;
  for (const topic of topics) for (const p of await admin.fetchTopicOffsets(topic)) total += Number(p.high) - Number(p.low);
  await admin.disconnect();
  return total;
}

/** the baseline: a plain kafkajs consumer in a new group reading every topic from offset 0, doing nothing per message */
async function rawConsume(expected: number, round: number): Promise<number> {
  const consumer = kafka.consumer({ groupId: rawGroup(round) });
  let consumed = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  const started = performance.now();
  await consumer.run({
    eachBatch: async ({ batch }) => {
      consumed += batch.messages.length;
      if (consumed >= expected) done();
    },
  });
  await finished;
  const seconds = (performance.now() - started) / 1000;
  await consumer.disconnect();
  return consumed / seconds;
}

const rawGroup = (round: number) => `bench-raw-${RUN}-${round}`;

/** POST /v1/projections/rebuild -> lag 0: the whole rebuild, from dropping the projections to caught up */
async function rebuildRate(token: string, events: number): Promise<number> {
  const started = performance.now();
  const rebuild = await fetch(`http://127.0.0.1:${DASHBOARD.port}/v1/projections/rebuild`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  if (rebuild.status !== 202) throw new Error(`rebuild answered ${rebuild.status}`);
  await caughtUp(token);
  return events / ((performance.now() - started) / 1000);
}

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

async function lag(token: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${DASHBOARD.port}/v1/projections/status`, { headers: { authorization: `Bearer ${token}` } });
  return ((await response.json()) as { lag: number }).lag;
}

async function caughtUp(token: string): Promise<void> {
  while ((await lag(token)) > 0) await sleep(200);
}

async function main() {
  let intake: ChildProcess | undefined;
  let dashboard: ChildProcess | undefined;
  try {
    intake = await startService('intake', INTAKE.port, INTAKE.schema);
    dashboard = await startService('dashboard', DASHBOARD.port, DASHBOARD.schema);
    const lead = await benchToken({ id: 'bench-lead', role: 'lead' });
    const desk = await benchToken({ id: 'bench-desk', role: 'intake' });
    // a new dashboard reads every topic from offset 0 first, and a new intake's reactors their topics (on a
    // broker that holds other runs' history, a minute or more): measured before they are done, the latency
    // would be the catch-up's
    await caughtUp(lead);
    await waitUntilCaughtUp(INTAKE.port, 600_000);

    const live = await watchLiveStream(lead);
    const onTopic = await watchTicketsTopic();
    await postToDashboard(10, desk, live.seenAt, onTopic); // warm-up: JIT, pools, topic metadata
    const latencies = [];
    for (const rate of RATES) {
      const runs = [];
      for (let round = 0; round < ROUNDS; round++) {
        const measured = await postToDashboard(rate, desk, live.seenAt, onTopic);
        console.log(
          `POST -> dashboard at ${rate}/s: p50 ${measured.p50.toFixed(1)} ms, p99 ${measured.p99.toFixed(1)} ms (${measured.count} of ${measured.total}); ` +
            `p50 answered ${measured.answered.p50.toFixed(1)}, produced ${measured.produced.p50.toFixed(1)}, consumed ${measured.consumed.p50.toFixed(1)} ms`,
        );
        runs.push(measured);
      }
      latencies.push({ rate, runs, p50: median(runs.map((r) => r.p50)), p99: median(runs.map((r) => r.p99)) });
    }
    live.close();
    await onTopic.close();
    if (!REBUILD) return;

    const synthetic = await publishSyntheticHistory(SYNTHETIC_TICKETS);
    await caughtUp(lead);
    const onTopics = await messagesOnTopics();
    // raw and rebuild alternate, so that a slow spell of the machine weighs on both alike
    const rounds = [];
    for (let round = 0; round < ROUNDS; round++) {
      const raw = await rawConsume(onTopics, round);
      const rebuild = await rebuildRate(lead, onTopics);
      console.log(
        `round ${round + 1}: raw kafkajs consume ${raw.toFixed(0)} messages/s, rebuild ${rebuild.toFixed(0)} events/s (${((rebuild / raw) * 100).toFixed(1)} %) over ${onTopics}`,
      );
      rounds.push({ raw, rebuild, ratio: rebuild / raw });
    }
    const memory = residentMiB(dashboard);
    console.log(`dashboard RSS ${memory.toFixed(0)} MiB`);

    recordResults(`
## Dashboard: POST-to-dashboard latency, projection rebuild vs raw consume (${new Date().toISOString().slice(0, 10)})

Machine: ${machineLine()}; PostgreSQL and Kafka (3.9.1, KRaft, one node) on the same machine; intake and the
dashboard as production processes.

| measure | value |
|---|---|
${latencies
  .map(
    (l) =>
      `| \`POST /v1/tickets\` start -> the ticket on the dashboard's live stream (SSE), ${l.rate} tickets/s for ${SECONDS} s, open loop, ${ROUNDS} runs | median p50 ${l.p50.toFixed(1)} ms, **median p99 ${l.p99.toFixed(1)} ms** (p99 per run: ${l.runs.map((r) => r.p99.toFixed(1)).join(', ')} ms; ${l.runs.reduce((n, r) => n + r.count, 0)} of ${l.runs.reduce((n, r) => n + r.total, 0)} seen) |\n` +
      `| the same at ${l.rate}/s, split by stage (median over runs of p50 / p99, ms from the POST's start) | intake answered ${stageLine(l.runs, (r) => r.answered)}; relay produced ${stageLine(l.runs, (r) => r.produced)}; a plain consumer got it ${stageLine(l.runs, (r) => r.consumed)}; on the live stream ${stageLine(l.runs, (r) => r)} |`,
  )
  .join('\n')}
| raw baseline: plain kafkajs consumer, new group, every topic from offset 0, nothing done per message (${onTopics} messages, ${synthetic} of them synthetic ticket and clock events) | median ${median(rounds.map((r) => r.raw)).toFixed(0)} messages/s (per round: ${rounds.map((r) => r.raw.toFixed(0)).join(', ')}) |
| dashboard rebuild: \`POST /v1/projections/rebuild\` -> lag 0 (drop, group deleted, every topic from offset 0) | median ${median(rounds.map((r) => r.rebuild)).toFixed(0)} events/s (per round: ${rounds.map((r) => r.rebuild.toFixed(0)).join(', ')}) |
| ratio rebuild / raw, each round against the raw run just before it | **median ${(median(rounds.map((r) => r.ratio)) * 100).toFixed(1)} %** (per round: ${rounds.map((r) => (r.ratio * 100).toFixed(1)).join(', ')} %) |
| dashboard resident memory after the rebuild | ${memory.toFixed(0)} MiB |

The path POST -> dashboard is intake's transaction -> its outbox relay -> Kafka -> the dashboard's consumer
(a chunk of a partition per transaction) -> SSE. Both consume rates include their consumer's group join; a
rebuild also stops the running consumer, empties the projections and its inbox, and deletes its group first.
`);
  } finally {
    await Promise.all([stopService(intake), stopService(dashboard)]);
    const pool = new Pool({ connectionString: DATABASE_URL });
    for (const schema of [INTAKE.schema, DASHBOARD.schema]) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups([...Array.from({ length: ROUNDS }, (_, round) => rawGroup(round)), `${DASHBOARD.schema}.projections`, WATCH_GROUP]).catch(() => undefined);
    await admin.disconnect();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
