// Memory per service: every service as its own production process, resident memory once ready and again
// after a light load (tickets opened through intake, which every other service hears about). Run: npm run bench
import { ChildProcess } from 'node:child_process';
import { Pool } from 'pg';
import { machineLine } from './support/machine';
import { recordResults } from './support/results';
import { benchToken, DATABASE_URL, residentMiB, ServiceName, startService, stopService } from './support/services';

const RUN = Date.now();
const SERVICES: Array<{ name: ServiceName; port: number }> = [
  { name: 'intake', port: 3941 },
  { name: 'routing', port: 3942 },
  { name: 'sla-monitor', port: 3943 },
  { name: 'field-service', port: 3944 },
  { name: 'knowledge-base', port: 3945 },
  { name: 'lead-pool', port: 3946 },
  { name: 'dashboard', port: 3940 },
];
const TICKETS = Number(process.env.BENCH_MEMORY_TICKETS ?? 600);
const RATE = 30;
const schemaOf = (name: string) => `bench_mem_${name.replace('-', '_')}_${RUN}`;

async function main() {
  const running = new Map<ServiceName, ChildProcess>();
  try {
    for (const { name, port } of SERVICES) running.set(name, await startService(name, port, schemaOf(name)));
    // let the consumers that start from offset 0 (the dashboard) catch up before the first reading
    await new Promise((r) => setTimeout(r, 10_000));
    const idle = new Map(SERVICES.map(({ name }) => [name, residentMiB(running.get(name)!)]));

    const desk = await benchToken({ id: 'bench-desk', role: 'intake' });
    for (let i = 0; i < TICKETS; i++) {
      void fetch('http://127.0.0.1:3941/v1/tickets', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${desk}` },
        body: JSON.stringify({
          channel: 'api',
          customer: { name: 'Bench', wechat: `mem_${RUN}_${i}` },
          deviceModel: 'Bench PC',
          problem: 'bench',
          urgency: i % 3 === 0 ? 'urgent' : 'normal',
        }),
      });
      await new Promise((r) => setTimeout(r, 1000 / RATE));
    }
    await new Promise((r) => setTimeout(r, 10_000));
    const loaded = new Map(SERVICES.map(({ name }) => [name, residentMiB(running.get(name)!)]));
    for (const { name } of SERVICES) console.log(`${name}: ${idle.get(name)!.toFixed(0)} MiB ready, ${loaded.get(name)!.toFixed(0)} MiB after ${TICKETS} tickets`);
    const total = (readings: Map<ServiceName, number>) => [...readings.values()].reduce((a, b) => a + b, 0);

    recordResults(`
## Memory per service (${new Date().toISOString().slice(0, 10)})

Machine: ${machineLine()}; every service as its own production process (Node ${process.version}, default heap
limits), PostgreSQL and Kafka on the same machine. Resident memory (VmRSS) once ready (after 10 s), and
10 s after ${TICKETS} tickets were opened through intake at ${RATE}/s.

| service | ready | after the load |
|---|---|---|
${SERVICES.map(({ name }) => `| ${name} | ${idle.get(name)!.toFixed(0)} MiB | ${loaded.get(name)!.toFixed(0)} MiB |`).join('\n')}
| **all seven** | **${total(idle).toFixed(0)} MiB** | **${total(loaded).toFixed(0)} MiB** |
`);
  } finally {
    await Promise.all([...running.values()].map(stopService));
    const pool = new Pool({ connectionString: DATABASE_URL });
    for (const { name } of SERVICES) await pool.query(`DROP SCHEMA IF EXISTS "${schemaOf(name)}" CASCADE`);
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
