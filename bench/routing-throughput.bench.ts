// Routing benchmark: assignment decisions per second, and the latency from a ticket received to its
// assigned event on support.tickets.v1, with 100 members on duty and 10,000 open tickets (BENCH_OPEN_TICKETS); against a raw
// baseline measured in the same run (a plain kafkajs consumer doing one plain pg transaction per
// message, the floor under any consumer that commits its effect per event). Run: npm run bench
import { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { Pool } from 'pg';
import { AUDIT_TOPIC, eventCatalogue, LEADS_TOPIC, RecordedEvent, ROUTING_TOPIC, SCENARIOS_TOPIC, SHEETS_TOPIC, SLA_TOPIC, TICKETS_TOPIC, VISITS_TOPIC } from '@support/contracts';
import { ensureTopics, toKafkaMessage, kafkaClientOptions } from '@support/messaging';
import { machineLine, percentile } from './support/machine';
import { recordResults } from './support/results';
import { DATABASE_URL, startService, stopService, benchKafka, benchToken } from './support/services';

const RUN = Date.now();
const ROUTING_SCHEMA = `bench_routing_${RUN}`;
const INTAKE_SCHEMA = `bench_intake_r_${RUN}`;
const ROUTING_PORT = 3912;
const INTAKE_PORT = 3911;
// capacity is 1000 at most per member: a backlog of 100,000 open tickets needs more than 100 members to leave room
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 100);
const AGENTS = Math.round(MEMBERS * 0.85);
const SENIORS = Math.round(MEMBERS * 0.1);
const OPEN_TICKETS = Number(process.env.BENCH_OPEN_TICKETS ?? 10_000);
const BURST = Number(process.env.BENCH_BURST ?? 2_000);
const SMALL_BURST = Math.max(2, Math.floor(BURST / 2));
const LATENCY_RATES = (process.env.BENCH_LATENCY_RATES ?? '10,30').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

const kafka = new Kafka({ clientId: 'bench-routing', ...kafkaClientOptions(benchKafka()), logLevel: logLevel.NOTHING });
const pool = new Pool({ connectionString: DATABASE_URL, max: 4 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 120_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

const count = async (sql: string, params: unknown[] = []) => Number((await pool.query(sql, params)).rows[0].n);

// ---- the roster: 100 members on duty, 10,000 open tickets among them --------------------------------

/** 85 % agents, 10 % seniors, 5 % contractors; everyone's capacity is far above the load, so nothing queues */
function roster() {
  const categories = ['operating-system', 'printer', 'streaming', 'network', 'hardware'];
  return Array.from({ length: MEMBERS }, (_, i) => {
    const memberId = `m-${String(i).padStart(3, '0')}`;
    if (i < AGENTS) return { memberId, role: 'agent', tier: 'L1', name: `Agent ${i}`, skills: [categories[i % 5], categories[(i + 1) % 5]], scenarios: [], capacity: 1000 };
    if (i < AGENTS + SENIORS) return { memberId, role: 'senior', tier: 'L2', name: `Senior ${i}`, skills: categories, scenarios: [], capacity: 1000 };
    return { memberId, role: 'contractor', tier: 'L1', name: `Contractor ${i}`, skills: [], scenarios: ['printer-driver-reinstall', 'os-reinstall'], capacity: 1000 };
  });
}

/** what a ticket's triage looks like: most are common, some hard (seniors), some fixed scenarios (contractors) */
function triageFor(i: number) {
  if (i % 10 === 3) return { faultCategory: 'hardware', difficulty: 'hard' };
  if (i % 10 === 7) return { faultCategory: 'printer', scenario: 'printer-driver-reinstall', difficulty: 'fixed-scenario' };
  return i % 2 === 0 ? { faultCategory: ['operating-system', 'printer', 'streaming', 'network'][i % 4] } : undefined;
}

/**
 * The 10,000 open tickets are written straight into routing's working table (one INSERT ... SELECT):
 * the state routing would be in after 10,000 assignments, without publishing 10,000 decisions that no
 * intake knows. Routing weighs load from this table only (its trigger keeps each member's count of open
 * tickets), so the decisions measured afterwards pay whatever the open tickets cost them.
 */
async function seedOpenTickets(): Promise<void> {
  await pool.query(
    `INSERT INTO "${ROUTING_SCHEMA}".routed_tickets (ticket_id, urgency, received_at, triage, status, assignee_id, tier)
     SELECT gen_random_uuid(), CASE WHEN i % 4 = 0 THEN 'urgent' ELSE 'normal' END, now() - interval '2 hours' + i * interval '1 ms',
            '{}'::jsonb, 'open', 'm-' || lpad((i % ${MEMBERS})::text, 3, '0'), CASE WHEN i % ${MEMBERS} BETWEEN ${AGENTS} AND ${AGENTS + SENIORS - 1} THEN 'L2' ELSE 'L1' END
       FROM generate_series(0, $1::int - 1) AS i`,
    [OPEN_TICKETS],
  );
}

// ---- services as child processes --------------------------------------------------------------------

/**
 * A service's new consumer group would read its topics from offset 0, i.e. every event earlier runs and
 * tests left there. Committing the topics' current ends first makes the services see only this run.
 */
async function startGroupsAtEnd(groups: Array<{ groupId: string; topic: string }>): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const { groupId, topic } of groups) {
      const ends = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({ groupId, topic, partitions: ends.map(({ partition, high }) => ({ partition, offset: high })) });
    }
  } finally {
    await admin.disconnect();
  }
}

// ---- the raw baseline -------------------------------------------------------------------------------

/** plain kafkajs: BURST messages on a fresh 3-partition topic, consumed one by one, each in its own plain pg transaction */
async function rawConsumeAndCommitRate(): Promise<number> {
  const topic = `bench.raw.${RUN}`;
  const table = `"${ROUTING_SCHEMA}_raw".handled`;
  await pool.query(`CREATE SCHEMA "${ROUTING_SCHEMA}_raw"`);
  await pool.query(`CREATE TABLE ${table} (id uuid PRIMARY KEY, body jsonb NOT NULL, handled_at timestamptz NOT NULL DEFAULT clock_timestamp())`);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3, replicationFactor: 1 }] });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  for (let i = 0; i < BURST; i += 500) {
    const messages = Array.from({ length: Math.min(500, BURST - i) }, (_, j) => ({
      key: randomUUID(),
      value: JSON.stringify({ n: i + j, urgency: 'normal', problem: 'raw baseline' }),
    }));
    await producer.send({ topic, messages });
  }
  await producer.disconnect();

  const client = await pool.connect();
  const consumer = kafka.consumer({ groupId: `bench-raw-${RUN}` });
  let handled = 0;
  let first = 0;
  let last = 0;
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (handled === 0) first = performance.now();
      await client.query('BEGIN');
      await client.query(`INSERT INTO ${table} (id, body) VALUES ($1, $2)`, [message.key!.toString(), message.value!.toString()]);
      await client.query('COMMIT');
      handled++;
      last = performance.now();
    },
  });
  await until('the raw consumer to finish', async () => handled >= BURST, 120_000, 50);
  await consumer.disconnect();
  client.release();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.deleteGroups([`bench-raw-${RUN}`]).catch(() => undefined);
  await admin.disconnect();
  await pool.query(`DROP SCHEMA "${ROUTING_SCHEMA}_raw" CASCADE`);
  return (BURST - 1) / ((last - first) / 1000);
}

// ---- routing's decision rate under a backlog --------------------------------------------------------

function receivedEvent(i: number): RecordedEvent {
  const ticketId = randomUUID();
  const id = randomUUID();
  const now = new Date();
  const triage = triageFor(i);
  return {
    id,
    type: 'support.ticket.received.v1',
    data: {
      ticketId,
      customerId: randomUUID(),
      customer: { name: 'Bench Customer', phone: '+86 138 0000 0000' },
      channel: 'api',
      deviceModel: 'Bench Device',
      problem: 'routing benchmark',
      urgency: i % 4 === 0 ? 'urgent' : 'normal',
      requestedAt: now.toISOString(),
      receivedAt: now.toISOString(),
      ...(triage ? { triage } : {}),
    },
    occurredAt: now,
    metadata: { actor: { id: 'bench', role: 'intake' }, causationId: null, correlationId: id },
    streamId: ticketId,
    streamType: 'ticket',
    version: 1,
    globalPosition: '0',
    transactionId: '0',
    prevHash: '0'.repeat(64),
    hash: '0'.repeat(64),
  };
}

/**
 * BURST received events, valid CloudEvents as intake publishes them, produced at once onto
 * support.tickets.v1 (before intake runs, so their decisions are not applied anywhere): routing's
 * consumer works through the backlog, a fetched chunk per transaction (lock, roster with loads, queue,
 * a step per ticket, one append with the outbox rows). A decision's `recorded_at` is its transaction's
 * start, and transactions are serial: the rate is the decisions of every transaction but the last over
 * the time from the first transaction's start to the last one's (with one decision per transaction, the
 * decisions between the first and the last).
 */
async function decisionRateUnderBacklog(size: number): Promise<{ rate: number; wallRate: number; assigned: number; relayedMs: number; transactions: number }> {
  const decisions = `"${ROUTING_SCHEMA}".events`;
  const since = String((await pool.query(`SELECT coalesce(max(global_position), 0) AS p FROM ${decisions}`)).rows[0].p);
  const decided = () => count(`SELECT count(*)::int AS n FROM ${decisions} WHERE stream_type = 'ticket-routing' AND global_position > $1`, [since]);
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const started = performance.now();
  for (let i = 0; i < size; i += 500) {
    const messages = Array.from({ length: Math.min(500, size - i) }, (_, j) => {
      const m = toKafkaMessage(receivedEvent(i + j), 'intake', TICKETS_TOPIC);
      return { key: m.key, value: JSON.stringify(m.value), headers: m.headers };
    });
    await producer.send({ topic: TICKETS_TOPIC, messages });
  }
  await producer.disconnect();
  await until('routing to decide the backlog', async () => (await decided()) >= size, 600_000, 200);
  const wallSeconds = (performance.now() - started) / 1000;
  const span = (
    await pool.query(
      `WITH d AS (SELECT * FROM ${decisions} WHERE stream_type = 'ticket-routing' AND global_position > $1)
       SELECT extract(epoch FROM max(recorded_at) - min(recorded_at))::float AS seconds,
              count(*) FILTER (WHERE recorded_at < (SELECT max(recorded_at) FROM d))::int AS before_last,
              count(DISTINCT transaction_id)::int AS transactions,
              count(*) FILTER (WHERE type = 'support.routing.assignment-decided.v1')::int AS assigned
         FROM d`,
      [since],
    )
  ).rows[0];
  // the decisions are committed; the relay publishes them behind
  const relayStarted = performance.now();
  await until('the relay to publish every decision', async () => {
    const { rows } = await pool.query(
      `SELECT (SELECT max(position) FROM "${ROUTING_SCHEMA}".outbox) AS last, (SELECT position FROM "${ROUTING_SCHEMA}".relay_checkpoints WHERE relay = 'outbox') AS done`,
    );
    return rows[0].last !== null && rows[0].last === rows[0].done;
  });
  return {
    rate: span.before_last / span.seconds,
    wallRate: size / wallSeconds,
    assigned: span.assigned,
    relayedMs: performance.now() - relayStarted,
    transactions: span.transactions,
  };
}

// ---- received -> assigned latency, end to end through intake and routing -----------------------------

async function receivedToAssignedLatency(token: string, rate: number): Promise<{ fromPost: number[]; onKafka: number[]; total: number }> {
  const consumer = kafka.consumer({ groupId: `bench-routing-reader-${RUN}` });
  const postedAt = new Map<string, number>();
  const received = new Map<string, number>();
  const assigned = new Map<string, { at: number; timestamp: number }>();
  await consumer.connect();
  await consumer.subscribe({ topic: TICKETS_TOPIC, fromBeginning: false });
  let joined!: () => void;
  const ready = new Promise<void>((resolve) => (joined = resolve));
  consumer.on(consumer.events.GROUP_JOIN, () => joined());
  await consumer.run({
    eachMessage: async ({ message }) => {
      const at = performance.now();
      const key = message.key?.toString() ?? '';
      const type = message.headers?.ce_type?.toString();
      if (type === 'support.ticket.received.v1') received.set(key, Number(message.timestamp));
      else if ((type === 'support.ticket.assigned.v1' || type === 'support.ticket.dispatched-to-contractor.v1') && !assigned.has(key)) {
        assigned.set(key, { at, timestamp: Number(message.timestamp) });
      }
    },
  });
  await ready;
  await sleep(1000);

  const total = rate * SECONDS;
  const posts: Array<Promise<void>> = [];
  for (let i = 0; i < total; i++) {
    const started = performance.now();
    const triage = triageFor(i);
    const body = JSON.stringify({
      channel: 'api',
      customer: { name: 'Bench Customer', phone: `+86 13${Math.floor(100_000_000 + Math.random() * 899_999_999)}` },
      deviceModel: 'Bench Device',
      problem: 'routing benchmark (latency)',
      urgency: i % 4 === 0 ? 'urgent' : 'normal',
      ...(triage ? { triage } : {}),
    });
    posts.push(
      fetch(`http://127.0.0.1:${INTAKE_PORT}/v1/tickets`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body })
        .then((r) => r.json() as Promise<{ id: string }>)
        .then((created) => void postedAt.set(created.id, started)),
    );
    await sleep(1000 / rate);
  }
  await Promise.all(posts);
  await until('every posted ticket assigned', async () => [...postedAt.keys()].every((id) => assigned.has(id)), 60_000).catch(() => undefined);
  await consumer.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteGroups([`bench-routing-reader-${RUN}`]).catch(() => undefined);
  await admin.disconnect();

  const ids = [...postedAt.keys()].filter((id) => assigned.has(id));
  const fromPost = ids.map((id) => assigned.get(id)!.at - postedAt.get(id)!).sort((a, b) => a - b);
  const onKafka = ids
    .filter((id) => received.has(id))
    .map((id) => assigned.get(id)!.timestamp - received.get(id)!)
    .sort((a, b) => a - b);
  return { fromPost, onKafka, total };
}

// ---- the run ----------------------------------------------------------------------------------------

async function registerRoster(): Promise<void> {
  const lead = await benchToken({ id: 'bench-lead', role: 'lead' });
  const members = roster();
  for (let i = 0; i < members.length; i += 10) {
    await Promise.all(
      members.slice(i, i + 10).map(async (member) => {
        const response = await fetch(`http://127.0.0.1:${ROUTING_PORT}/v1/members`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${lead}` },
          body: JSON.stringify({ ...member, onDuty: true }),
        });
        if (response.status !== 201) throw new Error(`registering ${member.memberId}: ${response.status} ${await response.text()}`);
      }),
    );
  }
}

const openTickets = () => count(`SELECT count(*)::int AS n FROM "${ROUTING_SCHEMA}".routed_tickets WHERE status = 'open'`);

async function main() {
  let routing: ChildProcess | undefined;
  let intake: ChildProcess | undefined;
  try {
    await ensureTopics(kafka, eventCatalogue.topics());

    const raw = await rawConsumeAndCommitRate();
    console.log(`raw kafkajs consume + pg transaction per message: ${raw.toFixed(0)}/s`);

    await startGroupsAtEnd([
      { groupId: `${ROUTING_SCHEMA}.ticket-events`, topic: TICKETS_TOPIC },
      { groupId: `${ROUTING_SCHEMA}.scenario-catalogue`, topic: SCENARIOS_TOPIC },
    ]);
    routing = await startService('routing', ROUTING_PORT, ROUTING_SCHEMA);
    await registerRoster();
    const onDuty = await count(`SELECT count(*)::int AS n FROM "${ROUTING_SCHEMA}".members WHERE on_duty`);

    // the same roster with (almost) no open tickets, for scale
    const light = await decisionRateUnderBacklog(SMALL_BURST);
    console.log(`routing decisions, ${SMALL_BURST} backlog, 0 -> ${SMALL_BURST} open: ${light.rate.toFixed(0)}/s`);

    const seeding = performance.now();
    await seedOpenTickets();
    // the old open tickets as autovacuum leaves them in a running system: statistics and visibility map current
    // members too: the seeding's one statement updated each member's counter hundreds of times
    await pool.query(`VACUUM ANALYZE "${ROUTING_SCHEMA}".routed_tickets, "${ROUTING_SCHEMA}".members`);
    const seededMs = performance.now() - seeding;
    const openAtStart = await openTickets();
    console.log(`seeded: ${openAtStart} open tickets, ${onDuty} members on duty (${seededMs.toFixed(0)} ms)`);

    const backlog = await decisionRateUnderBacklog(BURST);
    console.log(
      `routing decisions, ${BURST} backlog, ${openAtStart} open: ${backlog.rate.toFixed(0)}/s (wall ${backlog.wallRate.toFixed(0)}/s, ${backlog.assigned} assigned), relay done ${backlog.relayedMs.toFixed(0)} ms after`,
    );

    // every group of intake's: one left at the beginning (the webhooks' fan-out of every ticket event earlier
    // runs left on the topic, say) would work through that history during the latency runs
    await startGroupsAtEnd([
      { groupId: `${INTAKE_SCHEMA}.routing-decisions`, topic: ROUTING_TOPIC },
      { groupId: `${INTAKE_SCHEMA}.sla-breaches`, topic: SLA_TOPIC },
      { groupId: `${INTAKE_SCHEMA}.webhooks`, topic: TICKETS_TOPIC },
      { groupId: `${INTAKE_SCHEMA}.audit-anchors`, topic: AUDIT_TOPIC },
      { groupId: `${INTAKE_SCHEMA}.field-service`, topic: VISITS_TOPIC },
      { groupId: `${INTAKE_SCHEMA}.field-service`, topic: SHEETS_TOPIC },
      { groupId: `${INTAKE_SCHEMA}.lead-conversions`, topic: LEADS_TOPIC },
    ]);
    intake = await startService('intake', INTAKE_PORT, INTAKE_SCHEMA);
    const desk = await benchToken({ id: 'bench-desk', role: 'intake' });
    const p = (values: number[], q: number) => percentile(values, q).toFixed(1);
    const latencies: Array<{ rate: number; open: number; result: Awaited<ReturnType<typeof receivedToAssignedLatency>> }> = [];
    for (const rate of LATENCY_RATES) {
      const open = await openTickets();
      const result = await receivedToAssignedLatency(desk, rate);
      latencies.push({ rate, open, result });
      console.log(
        `${rate} tickets/s, ${open} open: POST -> assigned consumed p50 ${p(result.fromPost, 50)} ms, p99 ${p(result.fromPost, 99)} ms (${result.fromPost.length} of ${result.total}); ` +
          `received -> assigned on Kafka p50 ${p(result.onKafka, 50)} ms, p99 ${p(result.onKafka, 99)} ms`,
      );
    }

    const latencyRows = latencies
      .map(
        ({ rate, open, result }) =>
          `| received -> assigned, ${rate} tickets/s POSTed for ${SECONDS} s (${open.toLocaleString('en-US')} open at the start): POST sent -> the ticket's assigned (or dispatched-to-contractor) event consumed from \`support.tickets.v1\` | p50 ${p(result.fromPost, 50)} ms, **p99 ${p(result.fromPost, 99)} ms** (${result.fromPost.length} of ${result.total}) |\n` +
          `| the same, received event -> assigned event by Kafka message timestamps (both set by the services' relays) | p50 ${p(result.onKafka, 50)} ms, p99 ${p(result.onKafka, 99)} ms |`,
      )
      .join('\n');

    // a rate whose median is far above the lightest one's is queueing, not the path's own latency
    const lightest = percentile(latencies[0].result.fromPost, 50);
    const saturated = latencies.filter((l) => percentile(l.result.fromPost, 50) > 5 * lightest).map((l) => `${l.rate} tickets/s`);
    const reading = saturated.length
      ? `At ${saturated.join(' and ')} the path is saturated (tickets queue in front of routing's serial rounds), so those figures are queueing time, not the path's own latency.`
      : 'No latency run was saturated.';

    recordResults(`
## Routing: assignment decisions per second, received-to-assigned latency (${new Date().toISOString().slice(0, 10)})

Machine: ${machineLine()}; PostgreSQL and Kafka (one node, KRaft) on the same machine; intake and routing
each in a process of its own (\`dist/services/*/src/main.js\`), the load and the readers in a third.

Roster: ${onDuty} members on duty (${AGENTS} agents, ${SENIORS} seniors, ${MEMBERS - AGENTS - SENIORS} contractors, capacity 1000 each). The
${OPEN_TICKETS.toLocaleString('en-US')} open tickets (on top of the ${SMALL_BURST.toLocaleString('en-US')} of the first, light run) are written straight into routing's working table (\`routed_tickets\`, one
\`INSERT ... SELECT\`, then \`VACUUM ANALYZE\` as autovacuum would have): the state after that many
assignments, without publishing decisions no intake knows (its trigger counts them into each member's
open tickets, which a round reads instead of counting). The decision rate is measured on a
backlog of valid \`support.ticket.received.v1\` CloudEvents produced at once onto \`support.tickets.v1\`
while intake is not yet running (so intake does not compete for the 2 cores); the latency runs go
through intake's REST API and both services. Tickets: 1 in 4 urgent; 1 in 10 hard (to a senior),
1 in 10 a fixed scenario (to a contractor), the rest common (to an agent, by skill where given).

| measure | value |
|---|---|
| raw baseline: plain kafkajs consumer, one message at a time, one plain pg transaction (1 INSERT) each; ${BURST} messages, 3 partitions | ${raw.toFixed(0)} messages/s |
| routing decisions committed, backlog of ${SMALL_BURST}, open tickets growing 0 -> ${SMALL_BURST.toLocaleString('en-US')} (for scale) | ${light.rate.toFixed(0)} decisions/s (in ${light.transactions} transactions; wall clock from the first send ${light.wallRate.toFixed(0)}/s) |
| routing decisions committed, backlog of ${BURST}, ${openAtStart.toLocaleString('en-US')} -> ${(openAtStart + BURST).toLocaleString('en-US')} open tickets (first to last transaction) | **${backlog.rate.toFixed(0)} decisions/s** (${backlog.assigned} assignments in ${backlog.transactions} transactions; wall clock from the first send ${backlog.wallRate.toFixed(0)}/s; relay done ${backlog.relayedMs.toFixed(0)} ms after the last commit) |
| ratio routing (${OPEN_TICKETS.toLocaleString('en-US')} open) / raw | **${((backlog.rate / raw) * 100).toFixed(0)} %** |
| ratio routing (${OPEN_TICKETS.toLocaleString('en-US')} open) / routing (light run) | **${((backlog.rate / light.rate) * 100).toFixed(0)} %** |
${latencyRows}

Routing decides a fetched chunk of a partition (up to 100 ticket events) in one transaction: one inbox
statement for the chunk, a transaction-scoped advisory lock (rounds are serial), the roster with each
member's open count (a counter a trigger on \`routed_tickets\` keeps) and the waiting queue read once; then
per ticket its row, the policy and the working-table updates; then one append of every decision with its
hash chain and outbox row, and one commit. The relay publishes behind. The path from received to assigned is intake's relay
-> routing's consumer and round -> routing's relay -> intake's reactor (a ticket append) -> intake's relay.
Intake's confirmation of a decision (its assigned event) costs routing the lock and one row, no round;
ticket events routing does not act on are not handled at all. So each ticket costs routing one round and
one confirmation, and intake two transactions, on the same 2 cores. ${reading}
`);
  } finally {
    await Promise.all([stopService(intake), stopService(routing)]);
    for (const schema of [INTAKE_SCHEMA, ROUTING_SCHEMA, `${ROUTING_SCHEMA}_raw`]) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
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
