import { ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { Actor } from '@support/contracts';
import { runtimeRoleName, urlForRole } from '@support/event-store';
import { connectionFromCredentialsFile, KafkaConnection } from '@support/messaging';
import { signTestToken } from '@support/service-kit';
import { migrate } from '../../deploy/migrate/migrate';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
export const BENCH_SECRET = 'bench-secret-that-is-long-enough-for-anything-0123456789';
// production mode checks every token's aud and iss against these
const BENCH_AUDIENCE = 'support-ops-bench';
const BENCH_ISSUER = 'support-ops-bench-issuer';
/** the anchor-signing key of a bench run (production mode requires one): fresh each run */
const BENCH_PERSONAL_DATA_KEK = randomBytes(32).toString('base64');
export const BENCH_AUDIT_KEY = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

export type ServiceName = 'intake' | 'routing' | 'sla-monitor' | 'field-service' | 'knowledge-base' | 'lead-pool' | 'dashboard';

// the services always run from the build (`npm run build`): from dist/bench/support when this file is
// built itself, from bench/support when a jest suite (the fault-injection suite) imports its source
const BUILD = __filename.endsWith('.js') ? join(__dirname, '..', '..') : join(__dirname, '..', '..', 'dist');
const REPO = __filename.endsWith('.js') ? join(BUILD, '..') : join(__dirname, '..', '..');

/**
 * A principal's connection to the bench broker, whose passwords deploy/local/kafka.sh keeps in
 * KAFKA_CREDENTIALS_FILE (default: the local broker's); the benchmarks' own clients are the admin.
 */
export function benchKafka(principal = 'admin'): KafkaConnection {
  return connectionFromCredentialsFile(BROKERS, process.env.KAFKA_CREDENTIALS_FILE ?? join(REPO, '.data', 'kafka', 'credentials.json'), principal);
}

export interface StartServiceOptions {
  /** append the service's stdout and stderr to this file (default: stderr inherited, stdout dropped) */
  logFile?: string;
  /** how long to wait for `/health/ready` (default 120 s) */
  readyTimeoutMs?: number;
  /** filled in: how long after the spawn HTTP answered (`/health/live`), and it was ready */
  timings?: { listeningInMs?: number; readyInMs?: number };
  /** more environment for the service (over the bench's) */
  env?: NodeJS.ProcessEnv;
  /** Node's own flags (default: deploy/node-flags, as in production) */
  nodeFlags?: string[];
}

/** The flags every service process runs with in production (deploy/node-flags). */
export function productionNodeFlags(): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the launchers' own plain-JS reader, one parser for all
  const { nodeFlags } = require(join(REPO, 'deploy', 'node-flags.js')) as { nodeFlags: () => string[] };
  return nodeFlags();
}

/** A token the services {@link startService} starts accept: signed with the bench secret, for their audience and issuer. */
export function benchToken(actor: Actor): Promise<string> {
  return signTestToken(BENCH_SECRET, actor, { audience: BENCH_AUDIENCE, issuer: BENCH_ISSUER });
}

/** Starts a built service (dist/) as its own process, in production mode, in a schema of its own; resolves once it is ready. */
export async function startService(name: ServiceName, port: number, schema: string, options: StartServiceOptions = {}): Promise<ChildProcess> {
  const databaseUrl = await migrateForService(name, schema);
  const log = options.logFile === undefined ? undefined : openSync(options.logFile, 'a');
  const kafka = benchKafka(name);
  const child = spawn(process.execPath, [...(options.nodeFlags ?? productionNodeFlags()), join(BUILD, 'services', name, 'src', 'main.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      // production serves /metrics and /docs on a port of their own
      OPS_PORT: String(port + 1000),
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: BROKERS.join(','),
      KAFKA_SASL_USERNAME: kafka.sasl!.username,
      KAFKA_SASL_PASSWORD: kafka.sasl!.password,
      AUTH_JWT_SECRET: BENCH_SECRET,
      AUTH_AUDIENCE: BENCH_AUDIENCE,
      AUTH_ISSUER: BENCH_ISSUER,
      // production needs an anchor-signing key: a fresh one per bench run
      AUDIT_SIGNING_KEY: process.env.AUDIT_SIGNING_KEY ?? BENCH_AUDIT_KEY,
      // every service with a keyring wraps and unwraps data keys with it
      PERSONAL_DATA_KEK: process.env.PERSONAL_DATA_KEK ?? BENCH_PERSONAL_DATA_KEK,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      SERVICE_SCHEMA: schema,
      // load is the point here: the per-caller write limit would refuse most of it
      RATE_LIMIT_WRITES_PER_MINUTE: '1000000',
      ...options.env,
    },
    stdio: log === undefined ? ['ignore', 'ignore', 'inherit'] : ['ignore', log, log],
  });
  if (log !== undefined) closeSync(log);
  const spawnedAt = Date.now();
  const deadline = spawnedAt + (options.readyTimeoutMs ?? 120_000);
  const answers = (path: string) =>
    fetch(`http://127.0.0.1:${port}${path}`).then(
      (r) => r.ok,
      () => false,
    );
  while (Date.now() < deadline && child.exitCode === null) {
    if (options.timings && options.timings.listeningInMs === undefined && (await answers('/health/live'))) options.timings.listeningInMs = Date.now() - spawnedAt;
    if (await answers('/health/ready')) {
      if (options.timings) options.timings.readyInMs = Date.now() - spawnedAt;
      // ready answers over HTTP too: a live probe that timed out on a busy box does not leave listening unknown
      if (options.timings) options.timings.listeningInMs ??= options.timings.readyInMs;
      return child;
    }
    await new Promise((r) => setTimeout(r, options.timings ? 100 : 500));
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not become ready${child.exitCode === null ? '' : ` (exited with code ${child.exitCode})`}`);
}

/**
 * The migrate step for one service's schema, as in production: roles created by the superuser of
 * DATABASE_URL (local passwords: the role's name), migrations run by the owner; returns the URL of the
 * service's runtime role, which is what the service connects as.
 */
export async function migrateForService(name: ServiceName, schema: string): Promise<string> {
  const password = (role: string) => role;
  await migrate({ ownerUrl: urlForRole(DATABASE_URL, 'support_owner', 'support_owner'), adminUrl: DATABASE_URL, password, targets: [{ service: name, schema }] });
  return urlForRole(DATABASE_URL, runtimeRoleName(name), password(runtimeRoleName(name)));
}

export async function stopService(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/**
 * Waits until every consumer of a service started by {@link startService} has read its topics to the end
 * (its `support_consumer_lag` series, on the ops port, all 0; a consumer shows lag only once it fetched something,
 * so none after `quietMs` counts as nothing to read), or `timeoutMs` passed; the lag summed at the first and last reading.
 */
export async function waitUntilCaughtUp(port: number, timeoutMs = 60_000, quietMs = 15_000): Promise<{ first: number; last: number }> {
  const started = Date.now();
  let first: number | undefined;
  for (;;) {
    // a reset connection (the load saturates the machine) is asked again
    const text = await fetch(`http://127.0.0.1:${port + 1000}/metrics`).then(
      (answer) => answer.text(),
      () => '',
    );
    const lags = [...text.matchAll(/^support_consumer_lag\{[^}]*\} (\S+)$/gm)].map(([, value]) => Number(value));
    const last = lags.reduce((a, b) => a + b, 0);
    first ??= last;
    const caughtUp = lags.length > 0 ? last === 0 : Date.now() - started > quietMs;
    if (caughtUp || Date.now() - started > timeoutMs) return { first, last };
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** resident memory of a process, MiB */
export function residentMiB(child: ChildProcess): number {
  const kib = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
  return Number(kib) / 1024;
}

/** Drops a bench run's schema, as the superuser of DATABASE_URL. */
export async function dropSchema(schema: string): Promise<void> {
  const pool = new Pool({ connectionString: DATABASE_URL });
  try {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await pool.end();
  }
}
