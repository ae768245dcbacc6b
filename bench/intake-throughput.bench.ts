import { kafkaClientOptions } from '@support/messaging';
// Intake benchmark: tickets accepted per second through POST /v1/tickets (autocannon) against
// the same machine's raw single-row insert-and-commit rate, and the latency from POST to the
// event being consumed from Kafka by a plain kafkajs consumer. Run: npm run bench
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { Kafka, logLevel } from 'kafkajs';
import { machineLine, percentile } from './support/machine';
import { rawInsertRate } from './support/raw-baselines';
import { recordResults, runBench } from './support/results';
import { ticketBody } from './support/tickets';
import { DATABASE_URL, dropSchema, startService, stopService, benchKafka, benchToken } from './support/services';

const PORT = 3901;
const SCHEMA = `bench_intake_${Date.now()}`;
// group commit shares a transaction among the tickets that arrive together: the rate depends on how many callers there are
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '10,50').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const LATENCY_RATE = Number(process.env.BENCH_LATENCY_RATE ?? 50);

async function acceptedPerSecond(token: string, connections: number): Promise<{ rate: number; p50: number; p99: number; non2xx: number }> {
  const result = await autocannon({
    url: `http://127.0.0.1:${PORT}/v1/tickets`,
    connections,
    duration: SECONDS,
    requests: [{ method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, setupRequest: (req) => ({ ...req, body: ticketBody() }) }],
  });
  return { rate: result['2xx'] / SECONDS, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx };
}

/**
 * The ceiling of any request through intake's HTTP stack on this machine: GET /health/live passes the same
 * middleware (request log, metrics, security headers) but no token check, no body, no database.
 */
async function liveProbesPerSecond(connections: number): Promise<number> {
  const result = await autocannon({ url: `http://127.0.0.1:${PORT}/health/live`, connections, duration: SECONDS });
  return result['2xx'] / SECONDS;
}

/** POST at a steady rate; a plain consumer notes when each ticket's event arrives */
async function postToConsumedLatency(token: string): Promise<{ p50: number; p99: number; count: number }> {
  const kafka = new Kafka({ clientId: 'bench', ...kafkaClientOptions(benchKafka()), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `bench-${randomUUID()}` });
  const sentAt = new Map<string, number>();
  const consumedAt = new Map<string, number>();
  await consumer.connect();
  await consumer.subscribe({ topic: 'support.tickets.v1', fromBeginning: false });
  let joined!: () => void;
  const ready = new Promise<void>((r) => (joined = r));
  consumer.on(consumer.events.GROUP_JOIN, () => joined());
  await consumer.run({
    eachMessage: async ({ message }) => void consumedAt.set(message.key?.toString() ?? '', performance.now()),
  });
  await ready;
  await new Promise((r) => setTimeout(r, 1000));

  const total = LATENCY_RATE * SECONDS;
  const posts: Array<Promise<void>> = [];
  for (let i = 0; i < total; i++) {
    const started = performance.now();
    posts.push(
      fetch(`http://127.0.0.1:${PORT}/v1/tickets`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: ticketBody() })
        .then((r) => r.json() as Promise<{ id: string }>)
        .then((body) => void sentAt.set(body.id, started)),
    );
    await new Promise((r) => setTimeout(r, 1000 / LATENCY_RATE));
  }
  await Promise.all(posts);
  const deadline = Date.now() + 30_000;
  const arrived = () => [...sentAt.keys()].filter((id) => consumedAt.has(id)).length;
  while (arrived() < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await consumer.disconnect();
  // an event may arrive before its POST's answer: both times are kept and matched at the end
  const sorted = [...sentAt]
    .filter(([id]) => consumedAt.has(id))
    .map(([id, started]) => consumedAt.get(id)! - started)
    .sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), count: sorted.length };
}

async function main() {
  const intake = await startService('intake', PORT, SCHEMA);
  try {
    const token = await benchToken({ id: 'bench', role: 'intake' });
    await acceptedPerSecond(token, CONNECTIONS[0]).catch(() => undefined); // warm-up: JIT, pools, topic metadata
    const runs = [];
    for (const connections of CONNECTIONS) {
      const raw = await rawInsertRate(DATABASE_URL, connections, SECONDS);
      const accepted = await acceptedPerSecond(token, connections);
      const ceiling = await liveProbesPerSecond(connections);
      console.log(
        `${connections} connections: raw insert-and-commit ${raw.toFixed(0)}/s, intake accepted ${accepted.rate.toFixed(0)}/s (non-2xx ${accepted.non2xx}), GET /health/live ${ceiling.toFixed(0)}/s`,
      );
      runs.push({ connections, raw, accepted, ceiling });
    }
    const latency = await postToConsumedLatency(token);
    console.log(`POST -> consumed: p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms (${latency.count} events)`);
    recordResults(`
## Intake: tickets accepted vs raw insert, POST-to-Kafka latency (${new Date().toISOString().slice(0, 10)})

Machine: ${machineLine()}; PostgreSQL and Kafka (3.9.1, KRaft, one node) on the same machine.

| measure | value |
|---|---|
${runs
  .map(
    ({ connections, raw, accepted, ceiling }) => `| raw single-row INSERT + commit, ${connections} connections, plain pg | ${raw.toFixed(0)} rows/s |
| \`POST /v1/tickets\` accepted (201), ${connections} connections, autocannon, ${SECONDS} s | ${accepted.rate.toFixed(0)} tickets/s (HTTP p50 ${accepted.p50} ms, p99 ${accepted.p99} ms, non-2xx ${accepted.non2xx}) |
| ratio intake / raw, ${connections} connections | **${((accepted.rate / raw) * 100).toFixed(1)} %** |
| the HTTP stack's ceiling: \`GET /health/live\` (same middleware; no token, body or database), ${connections} connections | ${ceiling.toFixed(0)} requests/s (${((ceiling / raw) * 100).toFixed(0)} % of raw) |`,
  )
  .join('\n')}
| POST start -> event consumed from \`support.tickets.v1\` (plain kafkajs), ${LATENCY_RATE} tickets/s | p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms (${latency.count} of ${LATENCY_RATE * SECONDS}) |

Tickets that arrive together share one transaction (group commit, at most 64, two groups at once): their
contacts locked, customers looked up, event rows with their hash chains, outbox rows, ticket views and
Idempotency-Keys written in a fixed number of statements per group; the relay then publishes them. Every
request also passes the HTTP stack (helmet, request log, metrics, rate limit, JWT, validation).
`);
  } finally {
    await stopService(intake);
    await dropSchema(SCHEMA);
  }
}

runBench(main);
