// Time-travel benchmark: GET /v1/tickets/:id?asOf=<instant> for one ticket (its stream read and cut at
// the instant, folded by intake's evolve, personal data opened, the role's view applied) against the
// present GET (one row of the ticket view), on a store of many tickets with several events each.
// Target (issue 24): p99 under 50 ms. Run: npm run bench
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { machineLine } from './support/machine';
import { recordResults, runBench } from './support/results';
import { ticketBody } from './support/tickets';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { benchToken, DATABASE_URL, dropSchema, startService, stopService } from './support/services';

const PORT = 3905;
const SCHEMA = `bench_as_of_${Date.now()}`;
const TICKETS = Number(process.env.BENCH_AS_OF_TICKETS ?? 2000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '1,10').split(',').map(Number);

const url = (path: string) => `http://127.0.0.1:${PORT}${path}`;

async function post(path: string, token: string, body: unknown): Promise<{ id?: string }> {
  const response = await fetch(url(path), { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as { id?: string };
}

// each ticket: received, assigned, contacted, diagnosed, quoted, accepted, resolved (7 events); the
// instant asked for lies after the quote, so the fold stops inside the stream
async function loadTickets(tokens: { desk: string; routing: string; agent: string }): Promise<{ ids: string[]; asOf: string; events: number }> {
  const ids: string[] = [];
  const later: Array<(id: string) => Promise<unknown>> = [
    (id) => post(`/v1/tickets/${id}/quote/accept`, tokens.agent, {}),
    (id) => post(`/v1/tickets/${id}/resolution`, tokens.agent, { resolution: '重装驱动后恢复', remote: true }),
  ];
  const first: Array<(id: string) => Promise<unknown>> = [
    (id) => post(`/v1/tickets/${id}/assignment`, tokens.routing, { assignee: { id: 'agent-1', role: 'agent', name: 'Li' }, tier: 'L1', reason: 'bench' }),
    (id) => post(`/v1/tickets/${id}/contact`, tokens.agent, { channel: 'phone' }),
    (id) => post(`/v1/tickets/${id}/diagnosis`, tokens.agent, { faultCategory: 'os', scenario: 'windows-bluescreen', difficulty: 'common' }),
    (id) => post(`/v1/tickets/${id}/quote`, tokens.agent, { amount: 15000 }),
  ];
  const inBatches = async (work: (i: number) => Promise<void>) => {
    for (let i = 0; i < TICKETS; i += 20) await Promise.all(Array.from({ length: Math.min(20, TICKETS - i) }, (_, j) => work(i + j)));
  };
  await inBatches(async (i) => {
    ids[i] = (await post('/v1/tickets', tokens.desk, JSON.parse(ticketBody()))).id!;
    for (const step of first) await step(ids[i]);
  });
  await new Promise((r) => setTimeout(r, 20));
  const asOf = new Date().toISOString();
  await new Promise((r) => setTimeout(r, 20));
  await inBatches(async (i) => {
    for (const step of later) await step(ids[i]);
  });
  return { ids, asOf, events: TICKETS * 7 };
}

async function latency(paths: string[], token: string, connections: number) {
  let next = 0;
  const result = await autocannon({
    url: url(paths[0]),
    connections,
    duration: SECONDS,
    requests: [{ method: 'GET', headers: { authorization: `Bearer ${token}` }, setupRequest: (req) => ({ ...req, path: paths[next++ % paths.length] }) }],
  });
  return { rate: result['2xx'] / SECONDS, p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max, non2xx: result.non2xx };
}

/**
 * What keeping each KPI event's stream version costs the dashboard's projector: its KPI-event insert (one
 * statement per chunk of up to 2000 events, as the projector writes it) with and without the column,
 * interleaved, in a schema of its own; the median per chunk.
 */
async function kpiInsertCost(): Promise<{ without: number; with: number; chunk: number }> {
  const schema = `bench_as_of_kpi_${Date.now()}`;
  const pool = new Pool({ connectionString: DATABASE_URL, max: 1 });
  const chunk = 2000;
  const events = (n: number) =>
    JSON.stringify(
      Array.from({ length: chunk }, (_, i) => ({
        id: randomUUID(),
        type: 'support.ticket.contacted.v1',
        time: new Date(Date.UTC(2026, 0, 1) + n * chunk + i).toISOString(),
        actor: { id: 'agent-1', role: 'agent' },
        data: { ticketId: randomUUID(), channel: 'phone', contactedAt: '2026-01-01T00:00:00.000Z' },
        streamVersion: 3,
      })),
    );
  try {
    await pool.query(`CREATE SCHEMA "${schema}"`);
    for (const table of ['without', 'with']) {
      await pool.query(`CREATE TABLE "${schema}"."${table}" (event_id uuid PRIMARY KEY, type text NOT NULL, at timestamptz NOT NULL, actor jsonb NOT NULL, data jsonb NOT NULL)`);
      await pool.query(`CREATE INDEX ON "${schema}"."${table}" (at)`);
    }
    await pool.query(`ALTER TABLE "${schema}"."with" ADD COLUMN stream_version integer NOT NULL DEFAULT 0`);
    const timings = { without: [] as number[], with: [] as number[] };
    for (let round = 0; round < 40; round++) {
      for (const table of round % 2 === 0 ? (['without', 'with'] as const) : (['with', 'without'] as const)) {
        const body = events(round * 2 + (table === 'with' ? 1 : 0));
        const started = performance.now();
        await pool.query(
          table === 'with'
            ? `INSERT INTO "${schema}"."with" (event_id, type, at, actor, data, stream_version) SELECT id, type, time, actor, data, "streamVersion" FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, type text, time timestamptz, actor jsonb, data jsonb, "streamVersion" integer) ON CONFLICT (event_id) DO NOTHING`
            : `INSERT INTO "${schema}"."without" (event_id, type, at, actor, data) SELECT id, type, time, actor, data FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, type text, time timestamptz, actor jsonb, data jsonb) ON CONFLICT (event_id) DO NOTHING`,
          [body],
        );
        timings[table].push(performance.now() - started);
      }
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    return { without: median(timings.without), with: median(timings.with), chunk };
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  }
}

async function main() {
  const intake = await startService('intake', PORT, SCHEMA);
  try {
    const tokens = {
      desk: await benchToken({ id: 'desk', role: 'intake' }),
      routing: await benchToken({ id: 'routing', role: 'service' }),
      agent: await benchToken({ id: 'agent-1', role: 'agent' }),
      analyst: await benchToken({ id: 'ops-1', role: 'analyst' }),
    };
    const started = Date.now();
    const { ids, asOf, events } = await loadTickets(tokens);
    console.log(`${TICKETS} tickets, ${events} events loaded in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    const present = ids.map((id) => `/v1/tickets/${id}`);
    const past = ids.map((id) => `/v1/tickets/${id}?asOf=${encodeURIComponent(asOf)}`);
    const check = await fetch(url(past[0]), { headers: { authorization: `Bearer ${tokens.agent}` } });
    const body = (await check.json()) as { state: string; version: number };
    if (body.state !== 'quoted' || check.headers.get('as-of-position') !== '5') throw new Error(`as of ${asOf} the ticket should be quoted at seq 5: ${JSON.stringify(body)}`);
    await latency(past, tokens.agent, CONNECTIONS[CONNECTIONS.length - 1]); // warm-up: JIT, pools
    const loadBefore = loadavg()[0].toFixed(2);
    const rows: string[] = [];
    for (const connections of CONNECTIONS) {
      for (const [name, paths, token] of [
        ['`GET /v1/tickets/:id?asOf=` (agent)', past, tokens.agent],
        ['`GET /v1/tickets/:id?asOf=` (analyst: masked)', past, tokens.analyst],
        ['`GET /v1/tickets/:id` now (agent)', present, tokens.agent],
      ] as const) {
        const run = await latency([...paths], token, connections);
        console.log(`${name}, ${connections} connections: p50 ${run.p50} ms, p99 ${run.p99} ms, ${run.rate.toFixed(0)}/s, non-2xx ${run.non2xx}`);
        rows.push(`| ${name}, ${connections} connection${connections === 1 ? '' : 's'} | ${run.p50} | **${run.p99}** | ${run.max} | ${run.rate.toFixed(0)} | ${run.non2xx} |`);
      }
    }
    const kpi = await kpiInsertCost();
    console.log(`KPI-event insert, ${kpi.chunk} events: ${kpi.without.toFixed(1)} ms without stream_version, ${kpi.with.toFixed(1)} ms with`);
    recordResults(`
## Time travel: one ticket \`?asOf=\` vs the present read (${new Date().toISOString().slice(0, 10)})

Machine: ${machineLine()}; PostgreSQL and Kafka on the same machine. Intake as in production (its own process,
\`NODE_ENV=production\`). ${TICKETS} tickets of 7 events each (${events} events; received, assigned, contacted, diagnosed,
quoted, accepted, resolved); every request asks for a different ticket, round robin, as of an instant after the quote
(the fold stops at seq 5 of 7). autocannon, ${SECONDS} s per line, latency in ms. Target (issue 24): p99 under 50 ms.
Load average (1 min) before and after the measures: ${loadBefore} and ${loadavg()[0].toFixed(2)} (the machine was shared).

| read | p50 | p99 | max | requests/s | non-2xx |
|---|---|---|---|---|---|
${rows.join('\n')}

An \`asOf\` read (for a contractor, after the present scope: the ticket view's row) reads the ticket's stream (one index scan),
cuts it at the instant, folds it with intake's evolve, opens the customer's personal data with their key and
applies the role's view; the present read is the view's row, opened and viewed the same way.

The dashboard folds its \`?asOf=\` answers from its KPI events, which now keep each event's stream version (so one
ticket's or clock's events of the same millisecond keep their order). What that costs its projector: the KPI-event
insert of a chunk of ${kpi.chunk} events (one statement, as the projector writes it), median of 40 each, interleaved:
${kpi.without.toFixed(1)} ms without the column, ${kpi.with.toFixed(1)} ms with it (${(((kpi.with - kpi.without) / kpi.without) * 100).toFixed(0)} %).
`);
  } finally {
    await stopService(intake);
    await dropSchema(SCHEMA);
  }
}

runBench(main);
