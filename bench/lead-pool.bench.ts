import { kafkaClientOptions } from '@support/messaging';
// Lead-pool benchmark: leads captured and allocated by preset ratios per second through POST /v1/leads
// (each capture allocates at once while members are on duty), against the raw single-row insert rate in
// the same run, and whether the shares stayed within one lead of the ratios. Run: npm run bench
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { machineLine } from './support/machine';
import { publishAsOwners } from './support/publish';
import { rawInsertRate } from './support/raw-baselines';
import { recordResults } from './support/results';
import { DATABASE_URL, residentMiB, startService, stopService, benchKafka, benchToken } from './support/services';

const RUN = Date.now();
const PORT = 3930;
const SCHEMA = `bench_leads_${RUN}`;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const MEMBERS = [
  { memberId: `bench-agent-a-${RUN}`, role: 'agent', weight: 2 },
  { memberId: `bench-agent-b-${RUN}`, role: 'agent', weight: 2 },
  { memberId: `bench-senior-${RUN}`, role: 'senior', weight: 1 },
];

async function main() {
  const raw = await rawInsertRate(DATABASE_URL, CONNECTIONS, SECONDS);
  console.log(`raw insert-and-commit: ${raw.toFixed(0)}/s`);
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
  const leadPool = await startService('lead-pool', PORT, SCHEMA);
  const pool = new Pool({ connectionString: DATABASE_URL });
  try {
    const lead = await benchToken({ id: 'bench-lead', role: 'lead' });
    const member = await benchToken({ id: MEMBERS[0].memberId, role: 'agent' });
    // the roster arrives through the consumer: retry the ratios until the pool knows every member
    for (let attempt = 0; ; attempt++) {
      const set = await fetch(`http://127.0.0.1:${PORT}/v1/ratios`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${lead}` },
        body: JSON.stringify({ ratios: MEMBERS.map(({ memberId, weight }) => ({ memberId, weight })), acceptMinutes: 60 * 24 }),
      });
      if (set.ok) break;
      if (attempt > 120) throw new Error(`ratios refused: ${set.status} ${await set.text()}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const result = await autocannon({
      url: `http://127.0.0.1:${PORT}/v1/leads`,
      connections: CONNECTIONS,
      duration: SECONDS,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${member}` },
          setupRequest: (req) => ({
            ...req,
            body: JSON.stringify({ platform: 'douyin', account: '@bench', customerHandle: 'bench', contact: { wechat: `w-${randomUUID()}` }, note: 'bench' }),
          }),
        },
      ],
    });
    const rate = result['2xx'] / SECONDS;
    const shares: Array<{ member: string; n: number }> = await pool
      .query(`SELECT data->>'memberId' AS member, count(*)::int AS n FROM "${SCHEMA}".events WHERE type = 'support.lead.allocated.v1' GROUP BY 1 ORDER BY 1`)
      .then((r) => r.rows);
    const allocated = shares.reduce((sum, s) => sum + s.n, 0);
    const worst = Math.max(...MEMBERS.map(({ memberId, weight }) => Math.abs((shares.find((s) => s.member === memberId)?.n ?? 0) - (allocated * weight) / 5)));
    const memory = residentMiB(leadPool);
    console.log(`captured and allocated: ${rate.toFixed(0)}/s (${allocated} allocations, worst share deviation ${worst.toFixed(2)})`);
    recordResults(`
## Lead pool: captures allocated by ratio vs raw insert (${new Date().toISOString().slice(0, 10)})

Machine: ${machineLine()}; PostgreSQL and Kafka (3.9.1, KRaft, one node) on the same machine; lead-pool as a production process.

| measure | value |
|---|---|
| raw single-row INSERT + commit, ${CONNECTIONS} connections, plain pg | ${raw.toFixed(0)} rows/s |
| \`POST /v1/leads\` captured and allocated at once (201), ${CONNECTIONS} connections, autocannon, ${SECONDS} s, ratios 2:2:1 | ${rate.toFixed(0)} leads/s (HTTP p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, non-2xx ${result.non2xx}) |
| ratio lead pool / raw | **${((rate / raw) * 100).toFixed(0)} %** |
| allocations by member at the end | ${shares.map((s) => `${s.n}`).join(' / ')} of ${allocated}; worst deviation from the exact share ${worst.toFixed(2)} leads |
| lead-pool resident memory after the run | ${memory.toFixed(0)} MiB |

Each capture is one transaction (the contact lock and duplicate check, the lead's captured event with its hash
chain and outbox row, the week's ledger), then waits for an allocator run that starts after it: captures that
arrive together share one run, a transaction under the pool's advisory lock (allocations are serial, so the
shares hold at every prefix) that allocates every pooled lead by the ratios and books the counts.
`);
  } finally {
    await stopService(leadPool);
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
