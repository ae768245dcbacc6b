// Lead-pool benchmark: leads captured and allocated by preset ratios per second through POST /v1/leads
// (answered 201 once captured and allocated, members on duty), with the pool empty and with 100,000 leads
// in it, against the raw single-row insert rate in the same run; the worst deviation from the exact
// share at any prefix of the allocation sequence. 3 interleaved rounds, medians. Run: npm run bench
import { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { kafkaClientOptions } from '@support/messaging';
import { machineLine, median } from './support/machine';
import { BackendMeter, cpuMs, machineCpuMs } from './support/process-costs';
import { publishAsOwners } from './support/publish';
import { rawInsertRate } from './support/raw-baselines';
import { recordResults } from './support/results';
import { DATABASE_URL, residentMiB, startService, stopService, benchKafka, benchToken, waitUntilCaughtUp } from './support/services';

const RUN = Date.now();
const PORT = 3930;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SEEDED = Number(process.env.BENCH_POOL_LEADS ?? 100_000);
const MEMBERS = [
  { memberId: `bench-agent-a-${RUN}`, role: 'agent', weight: 2 },
  { memberId: `bench-agent-b-${RUN}`, role: 'agent', weight: 2 },
  { memberId: `bench-senior-${RUN}`, role: 'senior', weight: 1 },
];
const TOTAL_WEIGHT = MEMBERS.reduce((sum, m) => sum + m.weight, 0);

const pool = new Pool({ connectionString: DATABASE_URL, max: 4 });

interface Captures {
  rate: number;
  p50: number;
  p99: number;
  non2xx: number;
  /** leads still pooled once the load ended: a 201 means captured and allocated, so none */
  leftPooled: number;
  /** CPU per lead captured: the lead-pool process's, its PostgreSQL backends' (ms); the machine's busy share meanwhile */
  serviceCpuMs: number;
  databaseCpuMs: number;
  machineBusy: number;
}

interface Round {
  raw: number;
  empty: Captures;
  full: Captures;
  worstPrefix: number;
  allocations: number;
  memory: number;
  /** messages the pool's consumers had yet to read when the measures began */
  lagBefore: number;
}

/** POST /v1/leads at full speed from `CONNECTIONS` connections, each lead a new contact; what each lead cost in CPU */
async function capture(schema: string, token: string, service: ChildProcess): Promise<Captures> {
  const backends = new BackendMeter(() => new Map([['lead-pool', [service.pid as number]]]));
  backends.start();
  const before = { service: cpuMs(service.pid as number), database: backends.totals()['lead-pool'] ?? 0, machine: machineCpuMs() };
  const result = await autocannon({
    url: `http://127.0.0.1:${PORT}/v1/leads`,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        setupRequest: (req) => ({
          ...req,
          body: JSON.stringify({ platform: 'douyin', account: '@bench', customerHandle: 'bench', contact: { wechat: `w-${randomUUID()}` }, note: 'bench' }),
        }),
      },
    ],
  });
  const machine = machineCpuMs();
  const leads = Math.max(1, result['2xx']);
  const cost = {
    serviceCpuMs: (cpuMs(service.pid as number) - before.service) / leads,
    databaseCpuMs: ((backends.totals()['lead-pool'] ?? 0) - before.database) / leads,
    machineBusy: (machine.busy - before.machine.busy) / (machine.total - before.machine.total),
  };
  backends.stop();
  const [{ n: leftPooled }] = (await pool.query(`SELECT count(*)::int AS n FROM "${schema}".leads WHERE status = 'pooled'`)).rows;
  return { rate: result['2xx'] / SECONDS, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx + result.errors, leftPooled, ...cost };
}

/**
 * 100,000 leads as months of work leave them, written straight into the pool's event table and read model
 * (one INSERT ... SELECT each, then VACUUM ANALYZE as autovacuum would): each captured and allocated, a
 * third still held (unaccepted, due tomorrow), a third accepted, a third converted. Every capture measured
 * afterwards checks its contact against them, and every allocation plans beside them.
 */
async function seedPool(schema: string): Promise<void> {
  const members = MEMBERS.map((m) => m.memberId);
  await pool.query(
    `INSERT INTO "${schema}".events (event_id, stream_id, stream_type, version, type, data, metadata, occurred_at, prev_hash, hash)
     SELECT gen_random_uuid(), l.id::text, 'lead', v.version, v.type, jsonb_build_object('leadId', l.id), '{}'::jsonb, now() - interval '30 days',
            repeat('0', 64), md5(l.id::text || v.version) || md5(v.version || l.id::text)
       FROM (SELECT gen_random_uuid() AS id FROM generate_series(1, $1::int)) l
      CROSS JOIN (VALUES (1, 'support.lead.captured.v1'), (2, 'support.lead.allocated.v1')) AS v(version, type)`,
    [SEEDED],
  );
  await pool.query(
    `INSERT INTO "${schema}".leads (lead_id, status, wechat_index, contact_indexed, source_member, allocated_to, accept_by, state, version)
     SELECT stream_id::uuid, s.status, decode(md5(stream_id) || md5(stream_id || 'w'), 'hex'), true, ($1::text[])[1 + i % 3], ($1::text[])[1 + (i + 1) % 3],
            CASE WHEN s.status = 'allocated' THEN now() + interval '1 day' END,
            jsonb_build_object('leadId', stream_id, 'status', s.status, 'source', jsonb_build_object('memberId', ($1::text[])[1 + i % 3])), 2
       FROM (SELECT stream_id, row_number() OVER () AS i FROM "${schema}".events WHERE version = 2 AND type = 'support.lead.allocated.v1' AND NOT data ? 'memberId') e
      CROSS JOIN LATERAL (SELECT (ARRAY['allocated', 'accepted', 'converted'])[1 + e.i % 3] AS status) s`,
    [members],
  );
  await pool.query(`VACUUM ANALYZE "${schema}".events`);
  await pool.query(`VACUUM ANALYZE "${schema}".leads`);
}

/**
 * The worst deviation from the exact share at any prefix of the allocations, in the order they were
 * made (allocations are serial: the append order of the allocated events): max over k and members of
 * |received in the first k - k × weight / total|. Seeded leads are not part of the sequence.
 */
async function worstPrefixDeviation(schema: string): Promise<{ worst: number; allocations: number }> {
  const { rows } = await pool.query(
    `SELECT data->>'memberId' AS member FROM "${schema}".events WHERE type = 'support.lead.allocated.v1' AND data ? 'memberId' ORDER BY global_position`,
  );
  const counts = new Map<string, number>();
  let worst = 0;
  rows.forEach(({ member }: { member: string }, index: number) => {
    counts.set(member, (counts.get(member) ?? 0) + 1);
    for (const { memberId, weight } of MEMBERS) worst = Math.max(worst, Math.abs((counts.get(memberId) ?? 0) - ((index + 1) * weight) / TOTAL_WEIGHT));
  });
  return { worst, allocations: rows.length };
}

async function setRatios(lead: string): Promise<void> {
  // the roster arrives through the consumer: retry the ratios until the pool knows every member
  for (let attempt = 0; ; attempt++) {
    const set = await fetch(`http://127.0.0.1:${PORT}/v1/ratios`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${lead}` },
      body: JSON.stringify({ ratios: MEMBERS.map(({ memberId, weight }) => ({ memberId, weight })), acceptMinutes: 60 * 24 }),
    });
    if (set.ok) return;
    if (attempt > 120) throw new Error(`ratios refused: ${set.status} ${await set.text()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** one round: the raw baseline, then a fresh lead pool measured empty and with the seeded leads */
async function round(index: number, tokens: { lead: string; member: string }): Promise<Round> {
  const raw = await rawInsertRate(DATABASE_URL, CONNECTIONS, SECONDS);
  const schema = `bench_leads_${RUN}_${index}`;
  const leadPool = await startService('lead-pool', PORT, schema, { logFile: process.env.BENCH_SERVICE_LOG });
  try {
    await setRatios(tokens.lead);
    // a new consumer group reads every topic from the start: measured once it has caught up (as a running pool
    // would be) or 45 s passed (on a shared broker other runs' tickets, sealed with their keys, are retried)
    const lag = await waitUntilCaughtUp(PORT, 45_000);
    const empty = await capture(schema, tokens.member, leadPool);
    await seedPool(schema);
    const full = await capture(schema, tokens.member, leadPool);
    const { worst, allocations } = await worstPrefixDeviation(schema);
    const result = { raw, empty, full, worstPrefix: worst, allocations, memory: residentMiB(leadPool), lagBefore: lag.last };
    console.log(`round ${index + 1}: ${JSON.stringify(result)}`);
    return result;
  } finally {
    await stopService(leadPool);
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  }
}

async function main() {
  const kafka = new Kafka({ clientId: 'bench-leads', ...kafkaClientOptions(benchKafka()), logLevel: logLevel.NOTHING });
  // the roster as routing publishes it: the pool only allocates to members it knows are on duty
  await publishAsOwners(
    kafka,
    MEMBERS.flatMap(({ memberId, role }) => [
      {
        type: 'support.member.registered.v1',
        streamId: memberId,
        data: { memberId, role, name: memberId, tier: role === 'senior' ? 'L2' : 'L1', skills: [], scenarios: [], capacity: 5 },
      },
      { type: 'support.member.went-on-duty.v1', streamId: memberId, data: { memberId } },
    ]),
  );
  const tokens = { lead: await benchToken({ id: 'bench-lead', role: 'lead' }), member: await benchToken({ id: MEMBERS[0].memberId, role: 'agent' }) };
  const rounds: Round[] = [];
  try {
    for (let i = 0; i < ROUNDS; i++) rounds.push(await round(i, tokens));
  } finally {
    await pool.end();
  }
  const med = (pick: (r: Round) => number) => median(rounds.map(pick));
  const each = (pick: (r: Round) => number, digits = 0) => rounds.map((r) => pick(r).toFixed(digits)).join(', ');
  const raw = med((r) => r.raw);
  const empty = med((r) => r.empty.rate);
  const full = med((r) => r.full.rate);
  const worst = Math.max(...rounds.map((r) => r.worstPrefix));
  const failed = rounds.reduce((n, r) => n + r.empty.non2xx + r.full.non2xx, 0);
  const leftPooled = rounds.reduce((n, r) => n + r.empty.leftPooled + r.full.leftPooled, 0);
  console.log(
    `captured and allocated: empty ${empty.toFixed(0)}/s, ${SEEDED} in the pool ${full.toFixed(0)}/s; raw ${raw.toFixed(0)}/s; worst prefix deviation ${worst.toFixed(2)}`,
  );
  recordResults(`
## Lead pool: captures allocated by ratio, empty pool vs ${SEEDED.toLocaleString('en')} leads, vs raw insert (${new Date().toISOString().slice(0, 10)})

Machine: ${machineLine()}; PostgreSQL and Kafka (3.9.1, KRaft, one node) on the same machine; lead-pool as a production process.
${CONNECTIONS} connections, autocannon, ${SECONDS} s per measure, ${ROUNDS} interleaved rounds (each: the raw baseline, then a fresh
lead pool measured empty, then again once ${SEEDED.toLocaleString('en')} leads were written into it), medians (per round in brackets). Ratios 2:2:1, every
member on duty; each request a new contact, answered 201 once the lead is captured and allocated.

| measure | value |
|---|---|
| raw single-row INSERT + commit, ${CONNECTIONS} connections, plain pg | ${raw.toFixed(0)} rows/s (${each((r) => r.raw)}) |
| \`POST /v1/leads\` captured and allocated (201), empty pool | **${empty.toFixed(0)} leads/s** (${each((r) => r.empty.rate)}); HTTP p50 ${med((r) => r.empty.p50)} ms (${each((r) => r.empty.p50)}), p99 ${med((r) => r.empty.p99)} ms (${each((r) => r.empty.p99)}) |
| the same with ${SEEDED.toLocaleString('en')} leads in the pool | **${full.toFixed(0)} leads/s** (${each((r) => r.full.rate)}); HTTP p50 ${med((r) => r.full.p50)} ms (${each((r) => r.full.p50)}), p99 ${med((r) => r.full.p99)} ms (${each((r) => r.full.p99)}) |
| ${SEEDED.toLocaleString('en')} leads / empty | **${((full / empty) * 100).toFixed(0)} %** |
| lead pool (empty) / raw | **${((empty / raw) * 100).toFixed(1)} %** |
| worst deviation from the exact share at any prefix of the allocations | **${worst.toFixed(2)} leads** (per round: ${each((r) => r.worstPrefix, 2)}; allocations ${each((r) => r.allocations)}) |
| answers other than 2xx, or errors; leads left pooled after a load | ${failed}; ${leftPooled} |
| CPU per lead, empty pool: the lead-pool process / its PostgreSQL backends (machine busy meanwhile, all cores, every process on the box) | ${med((r) => r.empty.serviceCpuMs).toFixed(2)} ms (${each((r) => r.empty.serviceCpuMs, 2)}) / ${med((r) => r.empty.databaseCpuMs).toFixed(2)} ms (${each((r) => r.empty.databaseCpuMs, 2)}); busy ${(med((r) => r.empty.machineBusy) * 100).toFixed(0)} % |
| the same with ${SEEDED.toLocaleString('en')} leads | ${med((r) => r.full.serviceCpuMs).toFixed(2)} ms / ${med((r) => r.full.databaseCpuMs).toFixed(2)} ms; busy ${(med((r) => r.full.machineBusy) * 100).toFixed(0)} % |
| lead-pool resident memory after a round | ${med((r) => r.memory).toFixed(0)} MiB |
| messages the pool's consumers had yet to read when the measures began (caught up, or after 45 s) | ${each((r) => r.lagBefore)} |

The ${SEEDED.toLocaleString('en')} leads are written straight into the event table (a captured and an allocated event each)
and the leads table (a third held, a third accepted, a third converted), then \`VACUUM ANALYZE\`: the pool after
months of work. Captures that arrive together are written as one group (group commit): one transaction takes
their contacts' locks, checks them for duplicates in one query, appends the captured events, writes the read
model, the ledger and the Idempotency-Keys, then, under the pool's lock (allocations stay serial, so the
shares hold at every prefix), allocates every pooled lead by the ratios, oldest first, and books the counts.
`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
