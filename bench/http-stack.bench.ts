// HTTP stack benchmark: requests per second through intake's whole stack (Fastify under Nest with the
// service kit's hooks, guards, interceptors and pipes) against a bare Nest 11 app on Fastify and on Express
// answering the same no-op route, and POST /v1/tickets through intake, 3 interleaved rounds, medians.
// Run: npm run bench (BENCH_RECORD=0 prints the section instead of recording it)
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { machineLine } from './support/machine';
import { recordResults, runBench } from './support/results';
import { ticketBody } from './support/tickets';
import { benchToken, dropSchema, startService, stopService } from './support/services';

const INTAKE_PORT = 3911;
const FASTIFY_PORT = 3912;
const EXPRESS_PORT = 3913;
const SCHEMA = `bench_http_${Date.now()}`;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
// what the stack is held to: the share of the bare Fastify app's rate
const TARGETS = { liveOfBare: 0.6, postOfBare: 0.1 };

type Measure = 'intakeLive' | 'bareExpress' | 'bareFastify' | 'intakePost';

interface Round {
  rate: number;
  non2xx: number;
}

async function requestsPerSecond(options: autocannon.Options, seconds = SECONDS): Promise<Round> {
  const result = await autocannon({ connections: CONNECTIONS, duration: seconds, ...options });
  return { rate: result['2xx'] / seconds, non2xx: result.non2xx + result.errors };
}

const live = (port: number) => (seconds?: number) => requestsPerSecond({ url: `http://127.0.0.1:${port}/health/live` }, seconds);

/** starts dist/bench/support/bare-nest.js on `port`; resolves once it listens */
async function startBareNest(platform: 'fastify' | 'express', port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(__dirname, 'support', 'bare-nest.js'), platform, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await Promise.race([once(child.stdout!, 'data'), once(child, 'exit')])) as [Buffer | number];
  if (!String(chunk).includes('listening')) throw new Error(`bare Nest on ${platform} did not start`);
  return child;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (n: number) => n.toFixed(0);
const percent = (share: number) => `${(share * 100).toFixed(1)} %`;

async function main() {
  const intake = await startService('intake', INTAKE_PORT, SCHEMA);
  const fastify = await startBareNest('fastify', FASTIFY_PORT);
  const express = await startBareNest('express', EXPRESS_PORT);
  try {
    const token = await benchToken({ id: 'bench', role: 'intake' });
    const measures: Record<Measure, (seconds?: number) => Promise<Round>> = {
      intakeLive: live(INTAKE_PORT),
      bareExpress: live(EXPRESS_PORT),
      bareFastify: live(FASTIFY_PORT),
      intakePost: (seconds) =>
        requestsPerSecond(
          {
            url: `http://127.0.0.1:${INTAKE_PORT}/v1/tickets`,
            requests: [
              { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, setupRequest: (req) => ({ ...req, body: ticketBody() }) },
            ],
          },
          seconds,
        ),
    };
    // warm-up: JIT, pools, topic metadata; not measured
    for (const measure of Object.values(measures)) await measure(2);

    const runs: Record<Measure, Round[]> = { intakeLive: [], bareExpress: [], bareFastify: [], intakePost: [] };
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [name, measure] of Object.entries(measures) as [Measure, () => Promise<Round>][]) runs[name].push(await measure());
      console.log(
        `round ${round}: ${Object.entries(runs)
          .map(([name, r]) => `${name} ${fmt(r[r.length - 1].rate)}/s`)
          .join(', ')}`,
      );
    }

    const m = Object.fromEntries(Object.entries(runs).map(([name, r]) => [name, median(r.map((x) => x.rate))])) as Record<Measure, number>;
    const perRound = (name: Measure) => runs[name].map((r) => fmt(r.rate)).join(', ');
    const failed = (name: Measure) => runs[name].reduce((n, r) => n + r.non2xx, 0);
    const liveShare = m.intakeLive / m.bareFastify;
    const postShare = m.intakePost / m.bareFastify;
    const verdict = (share: number, target: number) => `${share >= target ? 'meets' : 'misses'} the target of ${percent(target)}`;
    console.log(`intake live / bare Fastify ${percent(liveShare)}, POST / bare Fastify ${percent(postShare)}`);

    const record = process.env.BENCH_RECORD === '0' ? (section: string) => console.log(section) : recordResults;
    record(`
## HTTP stack: intake on Fastify vs bare Nest on Fastify and Express (${new Date().toISOString().slice(0, 10)})

Machine: ${machineLine()}; PostgreSQL and Kafka on the same machine. autocannon in the bench's process, ${CONNECTIONS}
connections, ${SECONDS} s per measure, ${ROUNDS} interleaved rounds, medians (per round in brackets); every server a process of
its own. Intake as in production (\`NODE_ENV=production\`, operators' port, log level warn): \`GET /health/live\` passes
the whole stack (request id and log hook, metrics, security headers, operators' port check, correlation id, the
JWT and rate-limit guards of a public route; no interceptor, since the kit puts its ETag and Idempotency-Key
interceptors only on the routes that use them) but no token, body or database; \`POST /v1/tickets\` adds a
token, the Idempotency-Key and ETag steps, a validated body and the ticket's transaction (group commit). Bare: Nest 11, one
controller answering \`GET /health/live\` with \`{ status: 'ok' }\`, nothing else.

| measure | requests/s | share of bare Fastify |
|---|---|---|
| bare Nest on Fastify (\`@nestjs/platform-fastify\`), \`GET /health/live\` | ${fmt(m.bareFastify)} (${perRound('bareFastify')}) | 100 % |
| bare Nest on Express (\`@nestjs/platform-express\`), \`GET /health/live\` | ${fmt(m.bareExpress)} (${perRound('bareExpress')}) | ${percent(m.bareExpress / m.bareFastify)} |
| intake, \`GET /health/live\` | ${fmt(m.intakeLive)} (${perRound('intakeLive')}) | **${percent(liveShare)}** (${verdict(liveShare, TARGETS.liveOfBare)}) |
| intake, \`POST /v1/tickets\` (201) | ${fmt(m.intakePost)} (${perRound('intakePost')}) | **${percent(postShare)}** (${verdict(postShare, TARGETS.postOfBare)}) |

Answers other than 2xx, or errors, over all rounds: ${(Object.keys(runs) as Measure[]).map((name) => `${name} ${failed(name)}`).join(', ')}.
`);
  } finally {
    for (const child of [fastify, express]) child.kill('SIGTERM');
    await stopService(intake);
    await dropSchema(SCHEMA);
  }
}

runBench(main);
