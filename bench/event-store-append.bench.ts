// Event-store append benchmark: appends per second by concurrent writers, one event per append in a
// transaction of its own, for our event store (hash chain included; without and with the outbox as every
// service wires it) against Emmett's PostgreSQL `appendToStream` (the peer a user would pick instead) and a
// raw pg INSERT + COMMIT, interleaved in the same run (3 rounds, medians). Run: npm run bench
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { DataSource } from 'typeorm';
import { getPostgreSQLEventStore, PostgresEventStore } from '@event-driven-io/emmett-postgresql';
import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import { eventCatalogue, NewEvent } from '@support/contracts';
import { AppendPipeline } from '@support/command-handling';
import { EventStore, openServiceDataSource } from '@support/event-store';
import { platformMigrations, Outbox } from '@support/messaging';
import { machineLine } from './support/machine';
import { BackendMeter } from './support/process-costs';
import { rawInsertRate } from './support/raw-baselines';
import { recordResults } from './support/results';
import { DATABASE_URL } from './support/services';

const RUN = Date.now();
const WRITERS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const actor = { id: 'bench', role: 'service' as const };

// a ticket-sized event, valid in the catalogue (the outbox encodes it as its topic's CloudEvent)
const registered = (customerId: string): NewEvent => ({
  id: randomUUID(),
  type: 'support.customer.registered.v1',
  data: { customerId, name: 'Bench Customer', phone: '+86 138 0000 0000' },
  occurredAt: new Date(),
  metadata: { actor, causationId: null, correlationId: null },
});

// the PostgreSQL backends serving this process (only the contender being measured is busy)
const backends = new BackendMeter(() => new Map([['bench', [process.pid]]]));

/** appends per second, and CPU µs per append (this process + its PostgreSQL backends), of one measure */
interface Measure {
  rate: number;
  cpuUs: number;
  /** of which in PostgreSQL's backends */
  backendUs?: number;
}

/**
 * `writers` loops, each running `append` one after the other for SECONDS. The CPU per append holds on a
 * busy machine, where the rate moves with whatever else runs.
 */
async function rate(writers: number, append: (writer: number) => Promise<void>): Promise<Measure> {
  let done = 0;
  const cpuBefore = process.cpuUsage();
  const backendBefore = backends.totals().bench ?? 0;
  const until = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      while (Date.now() < until) {
        await append(writer);
        done++;
      }
    }),
  );
  const own = process.cpuUsage(cpuBefore);
  const backend = (backends.totals().bench ?? 0) - backendBefore;
  return { rate: done / SECONDS, cpuUs: (((own.user + own.system) / 1000 + backend) * 1000) / done, backendUs: (backend * 1000) / done };
}

/** our append: a new stream per append, or each writer's own stream with the head it appended last */
function ours(dataSource: DataSource, pipeline: AppendPipeline) {
  const heads = new Map<number, { streamId: string; version: number; hash: string }>();
  return {
    newStream: () =>
      rate(WRITERS, async () => {
        const streamId = randomUUID();
        await dataSource.transaction((m) => pipeline.append(m, { streamType: 'customer', streamId, expectedVersion: 0, events: [registered(streamId)] }));
      }),
    existingStream: () =>
      rate(WRITERS, async (writer) => {
        const head = heads.get(writer) ?? { streamId: randomUUID(), version: 0, hash: '' };
        const result = await dataSource.transaction((m) =>
          pipeline.append(m, {
            streamType: 'customer',
            streamId: head.streamId,
            expectedVersion: head.version,
            ...(head.version > 0 ? { expectedHash: head.hash } : {}),
            events: [registered(head.streamId)],
          }),
        );
        if (!result.ok) throw new Error(`unexpected conflict on ${head.streamId}`);
        heads.set(writer, { streamId: head.streamId, version: result.version, hash: result.events[0].hash });
      }),
  };
}

function emmett(store: PostgresEventStore) {
  const versions = new Map<number, { stream: string; version: bigint }>();
  const event = () => ({ type: 'CustomerRegistered', data: { customerId: randomUUID(), name: 'Bench Customer', phone: '+86 138 0000 0000' } });
  return {
    newStream: () =>
      rate(WRITERS, async () => {
        await store.appendToStream(`customer-${randomUUID()}`, [event()], { expectedStreamVersion: STREAM_DOES_NOT_EXIST });
      }),
    existingStream: () =>
      rate(WRITERS, async (writer) => {
        const known = versions.get(writer) ?? { stream: `customer-${randomUUID()}`, version: 0n };
        const result = await store.appendToStream(
          known.stream,
          [event()],
          known.version === 0n ? { expectedStreamVersion: STREAM_DOES_NOT_EXIST } : { expectedStreamVersion: known.version },
        );
        versions.set(writer, { stream: known.stream, version: result.nextExpectedStreamVersion });
      }),
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (n: number) => n.toFixed(0);

async function main() {
  const schema = `bench_append_${RUN}`;
  const dataSource = await openServiceDataSource({ databaseUrl: DATABASE_URL, migrationDatabaseUrl: DATABASE_URL, schema, migrations: platformMigrations(schema) });
  const store = new EventStore(schema, eventCatalogue);
  const plain = ours(dataSource, new AppendPipeline(store));
  const withOutbox = ours(dataSource, new AppendPipeline(store, { outbox: new Outbox(schema, 'bench', eventCatalogue) }));
  const emmettStore = getPostgreSQLEventStore(DATABASE_URL, { schema: { autoMigration: 'CreateOrUpdate' } });
  const peer = emmett(emmettStore);
  // first use creates Emmett's tables, and warms every contender's pool, plans and JIT; not measured
  await peer.newStream().catch((error: unknown) => console.error('emmett warm-up', error));
  await plain.newStream();
  await withOutbox.existingStream();

  const runs: Record<string, Measure[]> = { raw: [], emmettNew: [], oursNew: [], outboxNew: [], emmettExisting: [], oursExisting: [], outboxExisting: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    runs.raw.push({ rate: await rawInsertRate(DATABASE_URL, WRITERS, SECONDS), cpuUs: NaN });
    // each round starts with another contender, so none always runs last (after the tables grew most)
    const contenders: Array<[keyof typeof runs, () => Promise<Measure>]> = [
      ['emmettNew', peer.newStream],
      ['oursNew', plain.newStream],
      ['outboxNew', withOutbox.newStream],
      ['emmettExisting', peer.existingStream],
      ['oursExisting', plain.existingStream],
      ['outboxExisting', withOutbox.existingStream],
    ];
    for (let i = 0; i < contenders.length; i++) {
      const [key, measure] = contenders[(i + round - 1) % contenders.length];
      runs[key].push(await measure());
    }
    console.log(
      `round ${round}: ${Object.entries(runs)
        .map(([k, v]) => `${k} ${fmt(v[v.length - 1].rate)}/s ${fmt(v[v.length - 1].cpuUs)} µs (pg ${fmt(v[v.length - 1].backendUs ?? NaN)})`)
        .join(', ')}`,
    );
  }
  const m = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, median(v.map((x) => x.rate))])) as Record<keyof typeof runs, number>;
  const cpu = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, median(v.map((x) => x.cpuUs))])) as Record<keyof typeof runs, number>;
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  const perRound = (key: string) => runs[key].map((x) => fmt(x.rate)).join(', ');
  const row = (label: string, key: keyof typeof runs, peerKey: keyof typeof runs) =>
    `| ${label} | ${fmt(m[key])} (${perRound(key)}) | **${ratio(m[key], m[peerKey])}** | ${ratio(m[key], m.raw)} | ${fmt(cpu[key])} | **${ratio(cpu[peerKey], cpu[key])}** |`;
  recordResults(`## Event store: append vs Emmett and raw pg (${new Date().toISOString().slice(0, 10)})

Machine: ${machineLine()}; PostgreSQL on the same machine. ${WRITERS} writers, one event per append, each append a
transaction of its own, ${SECONDS} s per measure, ${ROUNDS} interleaved rounds (each starting with another contender), medians (per round in brackets). Ours:
\`EventStore\` through an \`AppendPipeline\` (the \`append_events\` function: locks, version and head check, insert;
the hash chain computed in the process), validated against the catalogue; "with outbox" adds the outbox row every
service writes. Emmett: \`@event-driven-io/emmett-postgresql\` 0.42 \`appendToStream\`. Raw: plain pg autocommitted
INSERT of a ticket-sized JSON row. CPU per append: the bench process's CPU plus its PostgreSQL backends' (from
/proc), over the appends of the measure; "efficiency vs Emmett" is Emmett's CPU per append over ours (above 1: we
spend less). Load average at the end: ${loadavg()
    .map((n) => n.toFixed(1))
    .join(' / ')}.

| measure | appends/s | ratio to Emmett | ratio to raw | CPU µs per append | efficiency vs Emmett |
|---|---|---|---|---|---|
| raw pg INSERT + COMMIT | ${fmt(m.raw)} (${perRound('raw')}) | | 1.00× | | |
${row('Emmett, new stream', 'emmettNew', 'emmettNew')}
${row('ours, new stream', 'oursNew', 'emmettNew')}
${row('ours with outbox, new stream', 'outboxNew', 'emmettNew')}
${row('Emmett, existing stream, expected version known', 'emmettExisting', 'emmettExisting')}
${row('ours, existing stream, expected version and hash known', 'oursExisting', 'emmettExisting')}
${row('ours with outbox, existing stream', 'outboxExisting', 'emmettExisting')}
`);
  await emmettStore.close();
  await dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
  await dataSource.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
