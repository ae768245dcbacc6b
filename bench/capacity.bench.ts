// Capacity benchmark: what one ticket costs each service, and how throughput grows with instances.
// All seven services run as production processes. (1) N tickets are POSTed through intake at a steady rate
// well below saturation (routing assigns them from a roster), then a share of them is worked to the end
// through intake's REST API (contact, diagnosis, resolution, feedback, close). Around each phase the bench
// snapshots every service's CPU time (/proc), its statements to PostgreSQL (counted in the process, see
// support/statement-counter.ts), the CPU of the PostgreSQL backends serving it, the rows its schema wrote, its
// events, and the end offsets of every topic; the idle cost over the same time is taken off. (2) A 20 s
// closed-loop burst of POSTs with one instance of each service, then with two of the five the fault suite runs two of (same schemas and
// consumer groups): tickets assigned and on the dashboard per second. docs/capacity.md reads these figures.
// Run: npm run bench (BENCH_RECORD=0: print only, leave bench/RESULTS.md alone)
import { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { eventCatalogue, SERVICE_SUBSCRIPTIONS } from '@support/contracts';
import { kafkaClientOptions } from '@support/messaging';
import { machineLine } from './support/machine';
import { BackendMeter, cpuMs, machineCpuMs, pidsMatching } from './support/process-costs';
import { recordResults } from './support/results';
import { benchKafka, benchToken, DATABASE_URL, ServiceName, startService, stopService } from './support/services';
import { emptyCounts, StatementCounts } from './support/statement-counter';
import { ticketBody } from './support/tickets';

const RUN = Date.now();
const TICKETS = Number(process.env.BENCH_TICKETS ?? 600);
const RATE = Number(process.env.BENCH_RATE ?? 5);
const WORKED_SHARE = Number(process.env.BENCH_WORKED_SHARE ?? 0.5);
const WORK_RATE = Number(process.env.BENCH_WORK_RATE ?? 3);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 20);
const BURST_SECONDS = Number(process.env.BENCH_BURST_SECONDS ?? 20);
const BURST_CONCURRENCY = Number(process.env.BENCH_BURST_CONCURRENCY ?? 16);
const SCALE_OUT = process.env.BENCH_SCALE_OUT !== '0';
const RECORD = process.env.BENCH_RECORD !== '0';
// PostgreSQL flushes a busy backend's table counters when it goes idle, an idle one's within 10 s
const STATS_FLUSH_MS = 11_000;

const SERVICES: ServiceName[] = ['intake', 'routing', 'sla-monitor', 'field-service', 'knowledge-base', 'lead-pool', 'dashboard'];
const PORTS: Record<ServiceName, number> = {
  intake: 3941,
  routing: 3942,
  'sla-monitor': 3943,
  'field-service': 3944,
  'knowledge-base': 3945,
  'lead-pool': 3946,
  dashboard: 3940,
};
const schemaOf = (name: ServiceName) => `bench_cap_${name.replace('-', '_')}_${RUN}`;
// every consumer group each service runs (@EventPattern groups); the bench checks the broker agrees
const GROUPS: Record<ServiceName, string[]> = {
  intake: ['routing-decisions', 'sla-breaches', 'field-service', 'audit-anchors', 'lead-conversions', 'webhooks'],
  routing: ['ticket-events', 'scenario-catalogue'],
  'sla-monitor': ['clock-events'],
  'field-service': ['known-tickets', 'customer-erasures'],
  'knowledge-base': ['ticket-events', 'approved-sheets', 'analysis-clocks'],
  'lead-pool': ['roster', 'ticket-events', 'customer-erasures'],
  dashboard: ['projections'],
};
// the services the fault suite runs two of (test/faults/two-instances): the ticket's path and the lead pool
const SCALED: ServiceName[] = ['intake', 'routing', 'sla-monitor', 'lead-pool', 'dashboard'];
const AGENTS = 20;

const kafka = new Kafka({ clientId: 'bench-capacity', ...kafkaClientOptions(benchKafka()), logLevel: logLevel.NOTHING });
const pool = new Pool({ connectionString: DATABASE_URL, max: 4 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const countersDir = mkdtempSync(join(tmpdir(), 'bench-capacity-'));

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 300_000, everyMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

const count = async (sql: string, params: unknown[] = []) => Number((await pool.query(sql, params)).rows[0].n);

// ---- the fleet: every service as a process, one or two instances each ------------------------------

class Fleet {
  readonly instances = new Map<ServiceName, ChildProcess[]>();

  pids(): Map<string, number[]> {
    return new Map([...this.instances].map(([name, children]) => [name, children.map((c) => c.pid!)]));
  }

  urls(name: ServiceName): string[] {
    return (this.instances.get(name) ?? []).map((_, i) => `http://127.0.0.1:${PORTS[name] + 100 * i}`);
  }

  async start(name: ServiceName): Promise<void> {
    const children = this.instances.get(name) ?? [];
    const port = PORTS[name] + 100 * children.length;
    const preload = join(__dirname, 'support', 'statement-counter.js');
    const child = await startService(name, port, schemaOf(name), {
      readyTimeoutMs: 180_000,
      env: { NODE_OPTIONS: `--require ${preload}`, BENCH_STATEMENT_COUNTS: countersDir },
    });
    this.instances.set(name, [...children, child]);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.instances.values()].flat().map((child) => stopService(child)));
  }
}

/** a new group reads its topics from offset 0, i.e. everything earlier runs left there: start them at the end */
async function startGroupsAtEnd(): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<string, Array<{ partition: number; offset: string }>>();
  try {
    for (const topic of eventCatalogue.topics())
      ends.set(
        topic,
        (await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => ({ partition, offset: high })),
      );
  } finally {
    await admin.disconnect();
  }
  // admin.setOffsets joins the group once per topic (~5 s each): one join per group, all groups at once
  await Promise.all(SERVICES.flatMap((name) => GROUPS[name].map((group) => commitEnds(`${schemaOf(name)}.${group}`, SERVICE_SUBSCRIPTIONS[name], ends))));
}

/** what admin.setOffsets does, for several topics in one join: a paused member seeks every partition, then leaves */
async function commitEnds(groupId: string, topics: readonly string[], ends: Map<string, Array<{ partition: number; offset: string }>>): Promise<void> {
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: true });
  const fetched = new Promise<void>((resolve) => consumer.on(consumer.events.FETCH, () => resolve()));
  await consumer.run({ eachBatchAutoResolve: false, eachBatch: async () => undefined });
  consumer.pause(topics.map((topic) => ({ topic })));
  for (const topic of topics) for (const end of ends.get(topic)!) consumer.seek({ topic, ...end });
  await fetched;
  await consumer.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  try {
    const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
    if (committed.some(({ partitions }) => partitions.some(({ offset }) => offset === '-1'))) throw new Error(`${groupId}: not every partition committed`);
  } finally {
    await admin.disconnect();
  }
}

/** groups of this run's schemas the broker knows and GROUPS does not: they would have read from offset 0 */
async function unexpectedGroups(): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const known = new Set(SERVICES.flatMap((name) => GROUPS[name].map((group) => `${schemaOf(name)}.${group}`)));
    const { groups } = await admin.listGroups();
    return groups.map((g) => g.groupId).filter((id) => id.includes(`_${RUN}.`) && !known.has(id));
  } finally {
    await admin.disconnect();
  }
}

// ---- snapshots --------------------------------------------------------------------------------------

interface ServiceCost {
  cpuMs: number;
  dbCpuMs: number;
  statements: StatementCounts;
  rows: { inserted: number; updated: number; deleted: number };
  events: number;
}

interface Snapshot {
  at: number;
  services: Record<string, ServiceCost>;
  eventsByType: Record<string, Record<string, number>>;
  offsets: Record<string, number>;
  kafkaCpuMs: number;
  machine: { busy: number; total: number };
}

function statementsOf(pids: number[]): StatementCounts {
  const sum = emptyCounts();
  for (const pid of pids) {
    try {
      const counts = JSON.parse(readFileSync(join(countersDir, `${pid}.json`), 'utf8')) as StatementCounts;
      for (const kind of Object.keys(sum) as Array<keyof StatementCounts>) sum[kind] += counts[kind];
    } catch {
      // not written yet: nothing counted
    }
  }
  return sum;
}

async function rowsOf(schema: string): Promise<ServiceCost['rows']> {
  const { rows } = await pool.query(
    `SELECT coalesce(sum(n_tup_ins), 0)::bigint AS ins, coalesce(sum(n_tup_upd), 0)::bigint AS upd, coalesce(sum(n_tup_del), 0)::bigint AS del
       FROM pg_stat_user_tables WHERE schemaname = $1`,
    [schema],
  );
  return { inserted: Number(rows[0].ins), updated: Number(rows[0].upd), deleted: Number(rows[0].del) };
}

async function eventsByType(schema: string): Promise<Record<string, number>> {
  const { rows } = await pool.query(`SELECT type, count(*)::int AS n FROM "${schema}".events GROUP BY type`);
  return Object.fromEntries(rows.map((r) => [r.type as string, r.n as number]));
}

async function topicEnds(): Promise<Record<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends: Record<string, number> = {};
    for (const topic of (await admin.listTopics()).filter((t) => t.startsWith('support.'))) {
      ends[topic] = (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
    }
    return ends;
  } finally {
    await admin.disconnect();
  }
}

const sumCpu = (pids: number[]) => pids.reduce((sum, pid) => sum + cpuMs(pid), 0);

async function snapshot(fleet: Fleet, backends: BackendMeter): Promise<Snapshot> {
  const dbCpu = backends.totals();
  const services: Record<string, ServiceCost> = {};
  const byType: Record<string, Record<string, number>> = {};
  for (const [name, pids] of fleet.pids()) {
    byType[name] = await eventsByType(schemaOf(name as ServiceName));
    services[name] = {
      cpuMs: sumCpu(pids),
      dbCpuMs: dbCpu[name] ?? 0,
      statements: statementsOf(pids),
      rows: await rowsOf(schemaOf(name as ServiceName)),
      events: Object.values(byType[name]).reduce((a, b) => a + b, 0),
    };
  }
  return {
    at: performance.now(),
    services,
    eventsByType: byType,
    offsets: await topicEnds(),
    kafkaCpuMs: sumCpu(pidsMatching(/kafka\.Kafka/)),
    machine: machineCpuMs(),
  };
}

// ---- differences: what a phase cost, the idle cost over the same time taken off ----------------------

interface PhaseCost {
  seconds: number;
  services: Record<string, { cpuMs: number; dbCpuMs: number; statements: number; transactions: number; rows: number; events: number; kinds: StatementCounts }>;
  eventsByType: Record<string, Record<string, number>>;
  messagesByTopic: Record<string, number>;
  kafkaCpuMs: number;
  machineBusyShare: number;
}

function diff(a: Snapshot, b: Snapshot): PhaseCost {
  const services: PhaseCost['services'] = {};
  for (const name of Object.keys(b.services)) {
    const [x, y] = [a.services[name], b.services[name]];
    const kinds = emptyCounts();
    for (const kind of Object.keys(kinds) as Array<keyof StatementCounts>) kinds[kind] = y.statements[kind] - (x?.statements[kind] ?? 0);
    services[name] = {
      cpuMs: y.cpuMs - (x?.cpuMs ?? 0),
      dbCpuMs: y.dbCpuMs - (x?.dbCpuMs ?? 0),
      statements: kinds.total,
      // explicit transactions, plus every statement sent outside one (autocommit: a transaction each)
      transactions: kinds.begin + kinds.autocommit,
      rows: y.rows.inserted + y.rows.updated + y.rows.deleted - (x ? x.rows.inserted + x.rows.updated + x.rows.deleted : 0),
      events: y.events - (x?.events ?? 0),
      kinds,
    };
  }
  const eventsByType: PhaseCost['eventsByType'] = {};
  for (const [name, types] of Object.entries(b.eventsByType)) {
    eventsByType[name] = Object.fromEntries(Object.entries(types).map(([type, n]) => [type, n - (a.eventsByType[name]?.[type] ?? 0)]));
  }
  const messagesByTopic = Object.fromEntries(Object.entries(b.offsets).map(([topic, end]) => [topic, end - (a.offsets[topic] ?? 0)]));
  return {
    seconds: (b.at - a.at) / 1000,
    services,
    eventsByType,
    messagesByTopic,
    kafkaCpuMs: b.kafkaCpuMs - a.kafkaCpuMs,
    machineBusyShare: (b.machine.busy - a.machine.busy) / (b.machine.total - a.machine.total),
  };
}

/** a phase's cost with the idle cost of the same number of seconds taken off, per unit (a ticket) */
function perUnit(phase: PhaseCost, idle: PhaseCost, units: number) {
  const scale = phase.seconds / idle.seconds;
  const rows: Record<string, { cpuMs: number; dbCpuMs: number; statements: number; transactions: number; rows: number; events: number }> = {};
  for (const [name, cost] of Object.entries(phase.services)) {
    const quiet = idle.services[name];
    const net = (k: 'cpuMs' | 'dbCpuMs' | 'statements' | 'transactions' | 'rows' | 'events') => Math.max(0, cost[k] - (quiet?.[k] ?? 0) * scale) / units;
    rows[name] = { cpuMs: net('cpuMs'), dbCpuMs: net('dbCpuMs'), statements: net('statements'), transactions: net('transactions'), rows: net('rows'), events: net('events') };
  }
  return rows;
}

// ---- the load ---------------------------------------------------------------------------------------

async function registerRoster(routing: string, lead: string): Promise<void> {
  for (let i = 0; i < AGENTS; i++) {
    const member = { memberId: `cap-agent-${i}`, role: 'agent', tier: 'L1', name: `Agent ${i}`, skills: [], scenarios: [], capacity: 1000, onDuty: true };
    const response = await fetch(`${routing}/v1/members`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${lead}` },
      body: JSON.stringify(member),
    });
    if (response.status !== 201) throw new Error(`registering ${member.memberId}: ${response.status} ${await response.text()}`);
  }
}

async function postTicket(intake: string, desk: string): Promise<string> {
  const response = await fetch(`${intake}/v1/tickets`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${desk}` }, body: ticketBody() });
  if (response.status !== 201) throw new Error(`POST /v1/tickets: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

/** open loop at a steady rate: the schedule does not wait for answers */
async function atRate<T>(total: number, rate: number, each: (i: number) => Promise<T>): Promise<T[]> {
  const begin = performance.now();
  const pending: Array<Promise<T>> = [];
  for (let i = 0; i < total; i++) {
    pending.push(each(i));
    await sleep(Math.max(0, begin + ((i + 1) * 1000) / rate - performance.now()));
  }
  return Promise.all(pending);
}

/** a ticket's working life after assignment, as the assignee records it */
async function workTicket(intake: string, worker: string, id: string, i: number): Promise<void> {
  const steps: Array<[string, object]> = [
    ['contact', { channel: 'phone' }],
    ['diagnosis', { faultCategory: 'operating-system', scenario: `blue-screen-${i % 5}`, difficulty: 'common' }],
    ['resolution', { resolution: 'driver rolled back over screen sharing', remote: true }],
    ['feedback', { satisfaction: 1 + (i % 5) }],
    ['close', {}],
  ];
  for (const [step, body] of steps) {
    const response = await fetch(`${intake}/v1/tickets/${id}/${step}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${worker}` },
      body: JSON.stringify(body),
    });
    if (response.status !== 200) throw new Error(`POST ${step}: ${response.status} ${await response.text()}`);
  }
}

const dashboardQueue = () => `"${schemaOf('dashboard')}".queue`;
const assignedOnDashboard = (ids: string[]) => count(`SELECT count(*)::int AS n FROM ${dashboardQueue()} WHERE ticket_id = ANY($1) AND assignee_id IS NOT NULL`, [ids]);
const closedOnDashboard = (ids: string[]) => count(`SELECT count(*)::int AS n FROM ${dashboardQueue()} WHERE ticket_id = ANY($1) AND state = 'closed'`, [ids]);

/** every outbox relayed and the dashboard's group caught up: nothing of the phase is left in flight */
async function settled(lead: string): Promise<void> {
  const unrelayed = (schema: string) =>
    `(SELECT count(*) FROM "${schema}".outbox o
       WHERE (o.transaction_id, o.position) > (SELECT coalesce((SELECT transaction_id FROM "${schema}".relay_checkpoints WHERE relay = 'outbox'), '0'::xid8),
                                                      coalesce((SELECT position FROM "${schema}".relay_checkpoints WHERE relay = 'outbox'), 0)))`;
  await until('every outbox relayed', async () => (await count(`SELECT (${SERVICES.map((s) => unrelayed(schemaOf(s))).join(' + ')})::int AS n`)) === 0);
  await until('the dashboard caught up', async () => {
    const response = await fetch(`http://127.0.0.1:${PORTS.dashboard}/v1/projections/status`, { headers: { authorization: `Bearer ${lead}` } });
    return ((await response.json()) as { lag: number }).lag === 0;
  });
  // downstream reactions of the last events (clocks, case analyses) and the table counters' flush
  await sleep(STATS_FLUSH_MS);
}

// ---- throughput: a closed-loop burst against every intake -------------------------------------------

interface Burst {
  instances: number;
  posted: number;
  postRate: number;
  assignedRate: number;
  seconds: number;
  cost: PhaseCost;
}

async function burst(fleet: Fleet, backends: BackendMeter, desk: string, lead: string): Promise<Burst> {
  const intakes = fleet.urls('intake');
  const ids: string[] = [];
  const before = await snapshot(fleet, backends);
  const started = performance.now();
  const deadline = started + BURST_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: BURST_CONCURRENCY }, async (_, worker) => {
      for (let n = 0; performance.now() < deadline; n++) ids.push(await postTicket(intakes[(worker + n) % intakes.length], desk));
    }),
  );
  const postedIn = (performance.now() - started) / 1000;
  await until('every burst ticket assigned on the dashboard', async () => (await assignedOnDashboard(ids)) === ids.length, 600_000, 200);
  const seconds = (performance.now() - started) / 1000;
  const after = await snapshot(fleet, backends);
  await settled(lead);
  return { instances: intakes.length, posted: ids.length, postRate: ids.length / postedIn, assignedRate: ids.length / seconds, seconds, cost: diff(before, after) };
}

// ---- the report -------------------------------------------------------------------------------------

const f0 = (n: number) => n.toFixed(0);
const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);

function costTable(title: string, rows: ReturnType<typeof perUnit>): string {
  const names = SERVICES.filter((name) => rows[name]);
  const total = (k: keyof (typeof rows)[string]) => names.reduce((sum, name) => sum + rows[name][k], 0);
  return [
    `| ${title} | service CPU ms | its PostgreSQL backends' CPU ms | statements | transactions | rows written | events stored |`,
    '|---|---|---|---|---|---|---|',
    ...names.map(
      (name) =>
        `| ${name} | ${f1(rows[name].cpuMs)} | ${f1(rows[name].dbCpuMs)} | ${f1(rows[name].statements)} | ${f1(rows[name].transactions)} | ${f1(rows[name].rows)} | ${f2(rows[name].events)} |`,
    ),
    `| **all seven** | **${f1(total('cpuMs'))}** | **${f1(total('dbCpuMs'))}** | **${f1(total('statements'))}** | **${f1(total('transactions'))}** | **${f1(total('rows'))}** | **${f2(total('events'))}** |`,
  ].join('\n');
}

function messageLines(phase: PhaseCost, units: number): string {
  return Object.entries(phase.messagesByTopic)
    .filter(([, n]) => n > 0)
    .sort(([, a], [, b]) => b - a)
    .map(([topic, n]) => `\`${topic}\` ${f2(n / units)}`)
    .join(', ');
}

function eventLines(phase: PhaseCost, units: number): string {
  return Object.entries(phase.eventsByType)
    .flatMap(([name, types]) =>
      Object.entries(types)
        .filter(([, n]) => n > 0)
        .map(([type, n]) => `${name}: \`${type.replace(/^support\./, '')}\` ${f2(n / units)}`),
    )
    .join('; ');
}

function statementMix(phase: PhaseCost, units: number): string {
  return SERVICES.filter((name) => phase.services[name])
    .map((name) => {
      const k = phase.services[name].kinds;
      return `${name}: ${(['begin', 'commit', 'rollback', 'select', 'insert', 'update', 'delete', 'other', 'autocommit'] as const).map((kind) => `${kind} ${f1(k[kind] / units)}`).join(', ')}`;
    })
    .join('; ');
}

function infraLine(phase: PhaseCost, idle: PhaseCost, units: number): string {
  const scale = phase.seconds / idle.seconds;
  const net = (busy: number, quiet: number) => f1(Math.max(0, busy - quiet * scale) / units);
  return `Kafka broker (its JVM) ${net(phase.kafkaCpuMs, idle.kafkaCpuMs)} ms CPU per ticket; the machine was ${f0(phase.machineBusyShare * 100)} % busy over the phase (idle phase: ${f0(idle.machineBusyShare * 100)} %)`;
}

function burstCpuPerTicket(b: Burst): string {
  const services = Object.values(b.cost.services);
  const own = services.reduce((sum, c) => sum + c.cpuMs, 0) / b.posted;
  const db = services.reduce((sum, c) => sum + c.dbCpuMs, 0) / b.posted;
  return `${f0(own)} + ${f0(db)} + ${f0(b.cost.kafkaCpuMs / b.posted)} = ${f0(own + db + b.cost.kafkaCpuMs / b.posted)}`;
}

function report(idle: PhaseCost, opened: PhaseCost, worked: PhaseCost, workedCount: number, bursts: Burst[], unexpected: string[]): string {
  const idleRow = (name: string) => `${name} ${f1(idle.services[name].cpuMs / idle.seconds)} ms CPU/s, ${f1(idle.services[name].statements / idle.seconds)} statements/s`;
  const burstRows = bursts
    .map(
      (b) =>
        `| ${b.instances === 1 ? 'one instance of each' : `two of ${SCALED.join(', ')}; one of the others`} | ${b.posted} | ${f0(b.postRate)}/s | **${f0(b.assignedRate)}/s** (${f1(b.seconds)} s) | ${f0(b.cost.machineBusyShare * 100)} % | ${burstCpuPerTicket(b)} | ${SERVICES.filter(
          (s) => b.cost.services[s],
        )
          .map((s) => `${s} ${f0((b.cost.services[s].cpuMs / 1000 / b.cost.seconds) * 100)}`)
          .join(', ')} |`,
    )
    .join('\n');
  return `
## Capacity: what one ticket costs each service; 1 vs 2 instances (${new Date().toISOString().slice(0, 10)})

Machine: ${machineLine()}; PostgreSQL 15 and Kafka (3.9.1, KRaft, one node, 3 partitions per topic) on the same
machine, shared with other work. All seven services as production processes (\`dist/services/*/src/main.js\`,
\`NODE_ENV=production\`), each in a schema of its own and as its own role; ${AGENTS} agents on duty in routing.
Per phase: each service's CPU time (utime+stime, /proc), the statements it sent to PostgreSQL (every
\`pg\` query call, counted in the process), the CPU of the PostgreSQL backends serving its connections, rows
it inserted, updated or deleted (\`pg_stat_user_tables\` of its schema), events it stored, and the end
offsets of every topic; from each the idle cost of as many seconds is taken off (measured over ${IDLE_SECONDS} s with
nothing to do: ${SERVICES.map(idleRow).join('; ')}).

**Opened**: ${TICKETS} tickets POSTed at ${RATE}/s (open loop), each assigned by routing, clocks started,
the dashboard fed; ${f0(opened.seconds)} s to settled. Per ticket:

${costTable('per ticket opened', perUnit(opened, idle, TICKETS))}

Kafka messages per ticket opened: ${messageLines(opened, TICKETS)}. Events per ticket: ${eventLines(opened, TICKETS)}.
Statements per ticket by kind: ${statementMix(opened, TICKETS)}. Infrastructure: ${infraLine(opened, idle, TICKETS)}.

**Worked**: ${workedCount} of them (${f0(WORKED_SHARE * 100)} %) worked to the end through intake's REST API, ${WORK_RATE} tickets/s:
contact, diagnosis, resolution, feedback, close (5 requests each); ${f0(worked.seconds)} s to settled. Per ticket worked:

${costTable('per ticket worked', perUnit(worked, idle, workedCount))}

Kafka messages per ticket worked: ${messageLines(worked, workedCount)}. Events per ticket: ${eventLines(worked, workedCount)}.
Statements per ticket by kind: ${statementMix(worked, workedCount)}. Infrastructure: ${infraLine(worked, idle, workedCount)}.

**Throughput**: a ${BURST_SECONDS} s closed-loop burst of \`POST /v1/tickets\` (${BURST_CONCURRENCY} connections, spread over the
intakes), until every ticket is assigned and on the dashboard; then a second instance of ${SCALED.join(', ')}
(same schema, same consumer groups, its own port; the services the fault suite runs two of) and the same burst again. The load generator runs on the same 2 cores.

| fleet | tickets | accepted POSTs | assigned and on the dashboard | machine busy | CPU ms per ticket: services + their backends + broker | CPU per service, % of one core |
|---|---|---|---|---|---|---|
${burstRows}

"Transactions" are explicit ones (BEGIN) plus statements sent outside one, each its own transaction.
${unexpected.length ? `Consumer groups of this run not in the bench's list (they read from offset 0): ${unexpected.join(', ')}.` : 'Every consumer group of the run started at the topics\u2019 ends (none read earlier runs\u2019 events).'}
`;
}

// ---- the run ----------------------------------------------------------------------------------------

async function main() {
  const fleet = new Fleet();
  const backends = new BackendMeter(() => fleet.pids());
  try {
    await startGroupsAtEnd();
    for (const name of SERVICES) await fleet.start(name);
    backends.start();
    const lead = await benchToken({ id: 'bench-lead', role: 'lead' });
    const desk = await benchToken({ id: 'bench-desk', role: 'intake' });
    await registerRoster(fleet.urls('routing')[0], lead);
    await settled(lead);
    const unexpected = await unexpectedGroups();

    const quiet = await snapshot(fleet, backends);
    await sleep(IDLE_SECONDS * 1000);
    const idle = diff(quiet, await snapshot(fleet, backends));
    console.log(`idle ${f0(idle.seconds)} s measured`);

    const intake = fleet.urls('intake')[0];
    const beforeOpen = await snapshot(fleet, backends);
    const ids = await atRate(TICKETS, RATE, () => postTicket(intake, desk));
    await until('every ticket assigned on the dashboard', async () => (await assignedOnDashboard(ids)) === ids.length);
    await settled(lead);
    const opened = diff(beforeOpen, await snapshot(fleet, backends));
    console.log(`opened ${TICKETS} in ${f0(opened.seconds)} s`);

    const worked = ids.slice(0, Math.round(TICKETS * WORKED_SHARE));
    const beforeWork = await snapshot(fleet, backends);
    await atRate(worked.length, WORK_RATE, (i) => workTicket(intake, lead, worked[i], i));
    await until('every worked ticket closed on the dashboard', async () => (await closedOnDashboard(worked)) === worked.length);
    await settled(lead);
    const work = diff(beforeWork, await snapshot(fleet, backends));
    console.log(`worked ${worked.length} in ${f0(work.seconds)} s`);

    const bursts = [await burst(fleet, backends, desk, lead)];
    console.log(`1 instance: ${bursts[0].posted} posted at ${f0(bursts[0].postRate)}/s, ${f0(bursts[0].assignedRate)}/s assigned (${f1(bursts[0].seconds)} s)`);
    if (SCALE_OUT) {
      for (const name of SCALED) await fleet.start(name);
      await settled(lead);
      bursts.push(await burst(fleet, backends, desk, lead));
      console.log(`2 instances: ${bursts[1].posted} posted at ${f0(bursts[1].postRate)}/s, ${f0(bursts[1].assignedRate)}/s assigned (${f1(bursts[1].seconds)} s)`);
    }

    const section = report(idle, opened, work, worked.length, bursts, unexpected);
    console.log(section);
    if (RECORD) recordResults(section);
  } finally {
    backends.stop();
    await fleet.stopAll();
    for (const name of SERVICES) await pool.query(`DROP SCHEMA IF EXISTS "${schemaOf(name)}" CASCADE`);
    await pool.end();
    rmSync(countersDir, { recursive: true, force: true });
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups(SERVICES.flatMap((name) => GROUPS[name].map((group) => `${schemaOf(name)}.${group}`))).catch(() => undefined);
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
