import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
export const BENCH_SECRET = 'bench-secret-that-is-long-enough-for-anything-0123456789';

export type ServiceName = 'intake' | 'routing' | 'sla-monitor' | 'field-service' | 'knowledge-base' | 'lead-pool' | 'dashboard';

/** Starts a built service (dist/) as its own process, in production mode, in a schema of its own; resolves once it is ready. */
export async function startService(name: ServiceName, port: number, schema: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(__dirname, '..', '..', 'services', name, 'src', 'main.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL,
      KAFKA_BROKERS: BROKERS.join(','),
      AUTH_JWT_SECRET: BENCH_SECRET,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      SERVICE_SCHEMA: schema,
      // load is the point here: the per-caller write limit would refuse most of it
      RATE_LIMIT_WRITES_PER_MINUTE: '1000000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 240; i++) {
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.ok, () => false);
    if (ready) return child;
    await new Promise((r) => setTimeout(r, 500));
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not become ready`);
}

export async function stopService(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

/** resident memory of a process, MiB */
export function residentMiB(child: ChildProcess): number {
  const kib = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
  return Number(kib) / 1024;
}
