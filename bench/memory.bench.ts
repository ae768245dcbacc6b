// Memory per service: every service as its own production process, resident memory once ready and again
// after a light load (tickets opened through intake, which every other service hears about). Run: npm run bench
import { ChildProcess } from 'node:child_process';
import { machineLine } from './support/machine';
import { recordResults } from './support/results';
import { benchToken, dropSchema, productionNodeFlags, residentMiB, ServiceName, startService, stopService, waitUntilCaughtUp } from './support/services';

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

/** one run of the seven services with these Node flags: resident MiB once ready, or after the load */
async function measure(label: string, nodeFlags: string[], load: boolean): Promise<Map<ServiceName, number>> {
  const running = new Map<ServiceName, ChildProcess>();
  const schemaOf = (name: string) => `bench_mem_${name.replace('-', '_')}_${label}_${RUN}`;
  try {
    for (const { name, port } of SERVICES) running.set(name, await startService(name, port, schemaOf(name), { nodeFlags }));
    // ready = every consumer has read its topics to the end (new groups start at offset 0, so on a broker with a
    // long record this is a catch-up) or 60 s passed; then 10 s
    const lags = await Promise.all(SERVICES.map(({ port }) => waitUntilCaughtUp(port)));
    SERVICES.forEach(({ name }, i) => console.log(`${label} ${name}: ${lags[i].first} messages behind when ready, ${lags[i].last} at the reading`));
    await new Promise((r) => setTimeout(r, 10_000));
    const idle = new Map(SERVICES.map(({ name }) => [name, residentMiB(running.get(name)!)]));
    if (!load) return idle;

    const desk = await benchToken({ id: 'bench-desk', role: 'intake' });
    let refused = 0;
    for (let i = 0; i < TICKETS; i++) {
      fetch('http://127.0.0.1:3941/v1/tickets', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${desk}` },
        body: JSON.stringify({
          channel: 'api',
          customer: { name: 'Bench', wechat: `mem_${label}_${RUN}_${i}` },
          deviceModel: 'Bench PC',
          problem: 'bench',
          urgency: i % 3 === 0 ? 'urgent' : 'normal',
        }),
      }).then(
        (answer) => (refused += answer.status === 201 ? 0 : 1),
        () => refused++,
      );
      await new Promise((r) => setTimeout(r, 1000 / RATE));
    }
    await new Promise((r) => setTimeout(r, 10_000));
    if (refused > 0) throw new Error(`${refused} of ${TICKETS} tickets were not opened`);
    const loaded = new Map(SERVICES.map(({ name }) => [name, residentMiB(running.get(name)!)]));
    for (const { name } of SERVICES) console.log(`${label} ${name}: ${loaded.get(name)!.toFixed(0)} MiB after ${TICKETS} tickets`);
    return loaded;
  } finally {
    await Promise.all([...running.values()].map(stopService));
    for (const { name } of SERVICES) await dropSchema(schemaOf(name));
  }
}

async function main() {
  const flags = productionNodeFlags();
  // side by side in one run: Node's defaults, then the flags production runs with. Both ready readings come
  // first, while the topics hold only what was there before; then the loads, the second of which also
  // catches up on the first's tickets (so the production flags are read under the heavier load)
  const defaults = { idle: await measure('defaults_ready', [], false), loaded: new Map<ServiceName, number>() };
  const production = { idle: await measure('production_ready', flags, false), loaded: new Map<ServiceName, number>() };
  defaults.loaded = await measure('defaults_load', [], true);
  production.loaded = await measure('production_load', flags, true);
  const mib = (value: number) => `${value.toFixed(0)} MiB`;
  const total = (readings: Map<ServiceName, number>) => [...readings.values()].reduce((a, b) => a + b, 0);
  const worst = (readings: Map<ServiceName, number>) => Math.max(...readings.values());

  recordResults(`
## Memory per service (${new Date().toISOString().slice(0, 10)})

Machine: ${machineLine()}; every service as its own production process (Node ${process.version}), PostgreSQL
and Kafka on the same machine. Resident memory (VmRSS) once ready (every consumer caught up with its topics or 60 s passed, then 10 s), and 10 s after ${TICKETS}
tickets were opened through intake at ${RATE}/s (a fresh start of the seven); Node's default flags and the flags
every service runs with (\`deploy/node-flags\`: \`${flags.join(' ')}\`) in the same run. Both ready readings
come first; the second load (deploy/node-flags) also catches up on the first load's tickets.

| service | ready, Node defaults | ready, deploy/node-flags | after the load, Node defaults | after the load, deploy/node-flags |
|---|---|---|---|---|
${SERVICES.map(({ name }) => `| ${name} | ${mib(defaults.idle.get(name)!)} | ${mib(production.idle.get(name)!)} | ${mib(defaults.loaded.get(name)!)} | ${mib(production.loaded.get(name)!)} |`).join('\n')}
| **all seven** | **${mib(total(defaults.idle))}** | **${mib(total(production.idle))}** | **${mib(total(defaults.loaded))}** | **${mib(total(production.loaded))}** |
| largest | ${mib(worst(defaults.idle))} | ${mib(worst(production.idle))} | ${mib(worst(defaults.loaded))} | ${mib(worst(production.loaded))} |

Target (issue 22): every service at most 150 MiB once ready. Each service's new consumer groups first read
every topic from offset 0: on a broker with a long record, "ready" includes that catch-up (messages behind
per service are printed by the run).
`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
