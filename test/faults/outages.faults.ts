import { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CASES_TOPIC, eventCatalogue, LEADS_TOPIC, ROUTING_TOPIC, SCENARIOS_TOPIC, SHEETS_TOPIC, SLA_TOPIC, TICKETS_TOPIC, VISITS_TOPIC } from '@support/contracts';
import { deadLetterTopic } from '@support/messaging';
import { publishEvents, waitFor } from '@support/test-kit';
import { benchToken, startService, stopService } from '../../bench/support/services';
import { freePort, none, unrelayed } from './support/helpers';
import { loadFigures, PARTNER_HABITS, PartnerLoad, PartnerRequest, sleep } from './support/partner-load';
import { privateInfra, query, startKafka, startPostgres, stopKafka, stopPostgres } from './support/private-infra';
import { groupPositions, produceGarbage, readTopic, rewindGroup, topicEnds, TopicMessage } from './support/topics';

// Faults under a steady partner load, against intake, routing and the dashboard running as processes
// from the build, on a Kafka broker and a PostgreSQL server of the suite's own (test/faults/run.sh):
// kill -9 of routing and of intake, Kafka down for 20 s, PostgreSQL restarted, routing and dashboard
// rewound to offset 0, poison messages. After each fault every consumer group must come back by itself
// (Stable, one member, past the topic ends of that moment). Afterwards: every accepted ticket exists
// once, in the event store and on Kafka, is assigned once, has a valid hash chain, no request made two
// tickets, and the dashboard rebuilds to the same checksum. Figures: .data/faults-logs/summary.json.

type Name = 'intake' | 'routing' | 'sla-monitor' | 'dashboard';
const SCHEMAS: Record<Name, string> = { intake: 'faults_intake', routing: 'faults_routing', 'sla-monitor': 'faults_sla', dashboard: 'faults_dashboard' };
const NAMES = Object.keys(SCHEMAS) as Name[];
const LOG_DIR = resolve(process.env.FAULTS_LOG_DIR ?? join(__dirname, '..', '..', '.data', 'faults-logs'));

// new tickets per second: far above a studio's day, and as much as four services and their consumers, a
// broker and a database server keep up with on two cores while every ticket also breaches its first contact
const LOAD_RATE = 10;
const KAFKA_DOWN_MS = 20_000;
const POSTGRES_DOWN_MS = 8_000;
const GRACE_MS = 60_000; // after a SIGTERM, the suite waits this long before it kills
// capacity 1000 each (the most a member may have): every ticket of the run finds a free slot, none waits in the queue (a passing run
// opens ~10,000 in 12 min; the load stops at MAX_REQUESTS should a failing run drag on)
const AGENTS = 20;
// an urgent ticket nobody contacts in time is escalated to L2: seniors take those
const SENIORS = 5;
// first contact due 1 min (urgent) or 2 min (normal) after assignment, and nobody contacts: every ticket of
// the run breaches during it (the load sends none of the commands that would stop the clock), so
// sla-monitor fires thousands of deadlines across the faults, and every urgent breach asks routing for an escalation
const FIRST_CONTACT_MINUTES = { urgent: 1, normal: 2 };
const MAX_REQUESTS = 15_000;
// how long a killed instance keeps its place in a group: 30 s here (kafkajs' default; the services' own is
// 6 s), so that a restart serving HTTP in well under it shows that HTTP does not wait for the dead session
const SESSION_TIMEOUT_MS = 30_000;

/** the consumer groups of the three services and the topics each reads */
const GROUPS: Record<string, string[]> = {
  [`${SCHEMAS.intake}.routing-decisions`]: [ROUTING_TOPIC],
  [`${SCHEMAS.intake}.sla-breaches`]: [SLA_TOPIC],
  [`${SCHEMAS.intake}.field-service`]: [VISITS_TOPIC, SHEETS_TOPIC],
  [`${SCHEMAS.intake}.lead-conversions`]: [LEADS_TOPIC],
  [`${SCHEMAS.intake}.webhooks`]: [TICKETS_TOPIC],
  [`${SCHEMAS.routing}.ticket-events`]: [TICKETS_TOPIC],
  [`${SCHEMAS.routing}.scenario-catalogue`]: [SCENARIOS_TOPIC],
  [`${SCHEMAS['sla-monitor']}.clock-events`]: [TICKETS_TOPIC, VISITS_TOPIC, SHEETS_TOPIC, CASES_TOPIC],
  [`${SCHEMAS.dashboard}.projections`]: eventCatalogue.topics(),
};

/** the services as child processes, each always on its port, schema and consumer groups */
class Fleet {
  private readonly children = new Map<Name, ChildProcess>();
  readonly starts: Array<{ service: Name; after: string; listeningInMs?: number; readyInMs: number }> = [];
  readonly stops: Array<{ service: Name; stoppedInMs: number; exit: string }> = [];

  constructor(readonly ports: Record<Name, number>) {}

  url(name: Name): string {
    return `http://127.0.0.1:${this.ports[name]}`;
  }

  /** spawns the service and waits until it is ready; says how soon it served HTTP and was ready */
  async start(name: Name, after: string): Promise<{ listeningInMs?: number; readyInMs: number }> {
    const logFile = join(LOG_DIR, `${name}.log`);
    appendFileSync(logFile, `\n--- ${new Date().toISOString()} fault suite: starting ${name} (${after})\n`);
    const begin = Date.now();
    const timings: { listeningInMs?: number } = {};
    const child = await startService(name, this.ports[name], SCHEMAS[name], {
      logFile,
      readyTimeoutMs: 180_000,
      timings,
      env: { KAFKA_CONSUMER_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS), KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS: '3000' },
    });
    // test/faults/run.sh kills what is left of these should the suite itself be killed
    appendFileSync(join(LOG_DIR, 'service.pids'), `${child.pid}\n`);
    this.children.set(name, child);
    const started = { service: name, after, listeningInMs: timings.listeningInMs, readyInMs: Date.now() - begin };
    this.starts.push(started);
    return started;
  }

  /** kill -9: no shutdown hook runs, connections drop as they are */
  async kill(name: Name): Promise<void> {
    const child = this.children.get(name);
    if (!child || child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} is not running`);
    appendFileSync(join(LOG_DIR, `${name}.log`), `--- ${new Date().toISOString()} fault suite: SIGKILL ${name}\n`);
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM: the graceful shutdown (HTTP drained, consumers leave their groups, relay stops) */
  async stop(name: Name): Promise<{ stoppedInMs: number; exit: string }> {
    const child = this.children.get(name);
    if (!child || child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} is not running`);
    appendFileSync(join(LOG_DIR, `${name}.log`), `--- ${new Date().toISOString()} fault suite: SIGTERM ${name}\n`);
    const begin = Date.now();
    const timer = setTimeout(() => child.kill('SIGKILL'), GRACE_MS);
    await stopService(child).finally(() => clearTimeout(timer));
    const stopped = { stoppedInMs: Date.now() - begin, exit: child.signalCode ?? `code ${child.exitCode}` };
    this.stops.push({ service: name, ...stopped });
    return stopped;
  }

  async stopAll(): Promise<void> {
    await Promise.all(NAMES.map((name) => this.stop(name).catch(() => undefined)));
  }
}

/** /health/ready's status, 0 when no answer came */
async function readiness(url: string): Promise<number> {
  return fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(10_000) }).then(
    (r) => r.status,
    () => 0,
  );
}

/** each service's readiness answers, one after the other, for `ms` */
async function sampleReadiness(fleet: Fleet, ms: number): Promise<Record<Name, number[]>> {
  const until = Date.now() + ms;
  const sample = async (name: Name) => {
    const samples: number[] = [];
    while (Date.now() < until) {
      samples.push(await readiness(fleet.url(name)));
      await sleep(500);
    }
    return samples;
  };
  return Object.fromEntries(await Promise.all(NAMES.map(async (name) => [name, await sample(name)] as const))) as Record<Name, number[]>;
}

describe('the system under faults (intake, routing, dashboard; private Kafka and PostgreSQL)', () => {
  const infra = privateInfra();
  let fleet: Fleet;
  let load: PartnerLoad;
  let lead: string;
  // figures per phase: the requests started in it, as they ended (retries may land in a later phase)
  const phases: Array<{ phase: string; startedAt: string; seconds: number; figures?: ReturnType<typeof loadFigures>; notes: Record<string, unknown> }> = [];
  const report: Record<string, unknown> = {};
  let consumersStuck = false;

  /** runs one phase under the load, and records its duration and what the partner saw meanwhile */
  async function phase(name: string, body: (notes: Record<string, unknown>) => Promise<void>): Promise<void> {
    load.enterPhase(name);
    const begin = Date.now();
    const notes: Record<string, unknown> = {};
    try {
      await body(notes);
    } finally {
      phases.push({ phase: name, startedAt: new Date(begin).toISOString(), seconds: Math.round((Date.now() - begin) / 100) / 10, notes });
    }
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const get = async (url: string): Promise<any> => {
    const response = await fetch(url, { headers: { authorization: `Bearer ${lead}` }, signal: AbortSignal.timeout(30_000) });
    if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const dashboardStatus = (): Promise<{ lag: number; caughtUp: boolean }> => get(`${fleet.url('dashboard')}/v1/projections/status`);
  const dashboardChecksum = (): Promise<{ checksum: string; rows: Record<string, number> }> => get(`${fleet.url('dashboard')}/v1/projections/checksum`);

  /**
   * The consumers recover by themselves: every group of the three services is Stable with its one
   * member, and has committed past the end every topic had when this was called (the load goes on).
   * A consumer that does not come back after a fault fails here, before a later restart would hide it.
   */
  async function consumersCatchUp(notes: Record<string, unknown>, firstTimeoutMs = 120_000): Promise<void> {
    const begin = Date.now();
    const targets = await topicEnds(infra.kafkaBrokers, eventCatalogue.topics());
    const positions = () => groupPositions(infra.kafkaBrokers, GROUPS, targets);
    try {
      await waitFor(
        'every consumer group Stable with one member and past the topic ends of the moment',
        async () => (await positions()).every((p) => p.state === 'Stable' && p.members === 1 && p.behind.length === 0),
        {
          // a group that did not come back once will not have come back the next time: no need to wait as long
          timeoutMs: consumersStuck ? 30_000 : firstTimeoutMs,
          intervalMs: 1000,
          describe: async () => (await positions()).filter((p) => p.state !== 'Stable' || p.members !== 1 || p.behind.length > 0),
        },
      );
    } catch (error) {
      consumersStuck = true;
      throw error;
    }
    notes.consumersCaughtUpInMs = Date.now() - begin;
  }

  beforeAll(async () => {
    mkdirSync(LOG_DIR, { recursive: true });
    fleet = new Fleet({ intake: await freePort(), routing: await freePort(), 'sla-monitor': await freePort(), dashboard: await freePort() });
    lead = await benchToken({ id: 'faults-lead', role: 'lead' });
    for (const name of NAMES) await fleet.start(name, 'first start');
    const send = (method: string, url: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(url, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${lead}`, ...headers }, body: JSON.stringify(body) });
    const members = [
      ...Array.from({ length: AGENTS }, (_, i) => ({ memberId: `faults-agent-${i + 1}`, role: 'agent', name: `Agent ${i + 1}`, tier: 'L1' })),
      ...Array.from({ length: SENIORS }, (_, i) => ({ memberId: `faults-senior-${i + 1}`, role: 'senior', name: `Senior ${i + 1}`, tier: 'L2' })),
    ];
    for (const member of members) {
      const response = await send('POST', `${fleet.url('routing')}/v1/members`, { ...member, skills: [], scenarios: [], capacity: 1000, onDuty: true });
      expect(response.status).toBe(201);
    }
    const policy = await get(`${fleet.url('sla-monitor')}/v1/policies`);
    const rules = policy.rules.map((rule: { id: string }) => (rule.id === 'first-contact' ? { ...rule, targetMinutes: FIRST_CONTACT_MINUTES } : rule));
    const changed = await send('PUT', `${fleet.url('sla-monitor')}/v1/policies`, { rules, calendar: policy.calendar }, { 'if-match': `"${policy.version}"` });
    expect(changed.status).toBe(200);
    load = new PartnerLoad({
      ...PARTNER_HABITS,
      url: `${fleet.url('intake')}/v1/tickets`,
      token: await benchToken({ id: 'faults-partner', role: 'intake' }),
      rate: LOAD_RATE,
      backoffMs: { base: 1000, max: 16_000 },
      maxRequests: MAX_REQUESTS,
    });
    load.start();
  }, 600_000);

  afterAll(async () => {
    await load?.stop();
    await fleet?.stopAll();
    for (const p of phases) p.figures = loadFigures(load?.requests.filter((r) => r.phase === p.phase) ?? []);
    const summary = { loadRatePerSecond: LOAD_RATE, total: load && loadFigures(load.requests), phases, serviceStarts: fleet?.starts, serviceStops: fleet?.stops, ...report };
    writeFileSync(join(LOG_DIR, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  }, 120_000);

  it('1. routing, sla-monitor, then intake, killed with SIGKILL mid-load, come back on the same schema and groups', async () => {
    await phase('1 kill -9', async (notes) => {
      await sleep(8_000);
      await fleet.kill('routing');
      await sleep(3_000);
      const restarts = [await fleet.start('routing', 'kill -9')];
      // by now the first urgent tickets' first-contact clocks are breaching: killed while it fires them
      await sleep(50_000);
      await fleet.kill('sla-monitor');
      await sleep(3_000);
      restarts.push(await fleet.start('sla-monitor', 'kill -9'));
      await sleep(5_000);
      const before = load.acceptedCount;
      await fleet.kill('intake');
      await sleep(3_000);
      restarts.push(await fleet.start('intake', 'kill -9'));
      notes.acceptedDuringIntakeOutage = load.acceptedCount - before;
      // HTTP first: the dead instance holds its consumer groups until its session times out (30 s), and
      // nothing a request needs waits for that
      notes.restartToListeningMs = { routing: restarts[0].listeningInMs, 'sla-monitor': restarts[1].listeningInMs, intake: restarts[2].listeningInMs };
      notes.restartToReadyMs = { routing: restarts[0].readyInMs, 'sla-monitor': restarts[1].readyInMs, intake: restarts[2].readyInMs };
      // the guarantee: HTTP without waiting out the dead instance's 30 s session, not a start-up speed (that is
      // a benchmark's: ~2 s on an idle machine, 2-5 s here under the load with every other process on 2 cores)
      for (const restart of restarts) expect(restart.listeningInMs).toBeLessThan(SESSION_TIMEOUT_MS / 2);
      await waitFor('tickets accepted again after intake restarted', async () => load.acceptedCount > before + 2 * LOAD_RATE, { timeoutMs: 60_000, intervalMs: 500 });
      await consumersCatchUp(notes);
    });
  }, 600_000);

  it('2. Kafka stopped for 20 s: every service not ready (503) while it is down, ready (200) after; tickets taken throughout', async () => {
    let samples = {} as Record<Name, number[]>;
    await phase('2 kafka down', async (notes) => {
      await stopKafka(infra);
      const downAt = Date.now();
      samples = await sampleReadiness(fleet, KAFKA_DOWN_MS);
      const upAt = Date.now();
      await startKafka(infra);
      notes.brokerDownSeconds = Math.round((Date.now() - downAt) / 1000);
      notes.readinessWhileDown = samples;
      // requests sent and answered while the broker was away
      notes.acceptedWhileDown = load.requests.filter((r) => r.startedAt >= downAt && r.acceptedAt !== undefined && r.acceptedAt < upAt).length;
      for (const name of NAMES) {
        const since = Date.now();
        await waitFor(`${name} ready again after Kafka came back`, async () => (await readiness(fleet.url(name))) === 200, { timeoutMs: 120_000, intervalMs: 500 });
        notes[`${name}ReadyAfterBrokerUpMs`] = Date.now() - since;
      }
      // the outbox takes tickets while Kafka is away
      expect(notes.acceptedWhileDown).toBeGreaterThan(0);
      await consumersCatchUp(notes);
    });
    expectNotReadyThroughout(samples);
  }, 600_000);

  it('3. PostgreSQL restarted: every service not ready (503) while it is down, ready (200) after', async () => {
    let samples = {} as Record<Name, number[]>;
    await phase('3 postgres restart', async (notes) => {
      await stopPostgres(infra);
      const downAt = Date.now();
      samples = await sampleReadiness(fleet, POSTGRES_DOWN_MS);
      await startPostgres(infra);
      notes.serverDownSeconds = Math.round((Date.now() - downAt) / 1000);
      notes.readinessWhileDown = samples;
      for (const name of NAMES) {
        const since = Date.now();
        await waitFor(`${name} ready again after PostgreSQL came back`, async () => (await readiness(fleet.url(name))) === 200, { timeoutMs: 120_000, intervalMs: 500 });
        notes[`${name}ReadyAfterServerUpMs`] = Date.now() - since;
      }
      const before = load.acceptedCount;
      await waitFor('tickets accepted again after PostgreSQL came back', async () => load.acceptedCount > before + LOAD_RATE, { timeoutMs: 60_000, intervalMs: 500 });
      await consumersCatchUp(notes);
    });
    expectNotReadyThroughout(samples);
  }, 600_000);

  it('4. routing, sla-monitor and the dashboard, stopped gracefully and rewound to offset 0, get every event again', async () => {
    await phase('4 rewind to offset 0', async (notes) => {
      const rewound: Record<string, Array<{ topic: string; offset: string }>> = {};
      for (const [name, group] of [
        ['routing', `${SCHEMAS.routing}.ticket-events`],
        ['sla-monitor', `${SCHEMAS['sla-monitor']}.clock-events`],
        ['dashboard', `${SCHEMAS.dashboard}.projections`],
      ] as const) {
        notes[`${name}Stop`] = await fleet.stop(name);
        rewound[group] = await rewindGroup(infra.kafkaBrokers, group, GROUPS[group]);
        await fleet.start(name, 'rewind');
      }
      notes.rewound = Object.fromEntries(Object.entries(rewound).map(([group, offsets]) => [group, offsets.filter((o) => o.topic === TICKETS_TOPIC)]));
      // resetOffsets commits "earliest" (-2): the groups start again from the beginning of every partition
      for (const offsets of Object.values(rewound)) {
        expect(offsets.filter((o) => o.topic === TICKETS_TOPIC)).toHaveLength(3);
        for (const { offset } of offsets) expect(Number(offset)).toBeLessThanOrEqual(0);
      }
      // every event of the run goes through each rewound group again (each a no-op through its inbox):
      // that takes longer than coming back from a fault
      await consumersCatchUp(notes, 300_000);
    });
  }, 600_000);

  it("5. a poison message on every topic read, and an event that breaks its schema, are parked on each consumer's dead-letter topic; the consumers go on", async () => {
    await phase('5 poison', async (notes) => {
      const tag = randomUUID().slice(0, 8);
      const poisonKey = (topic: string) => `poison-${tag}-${topic}`;
      await produceGarbage(
        infra.kafkaBrokers,
        eventCatalogue.topics().map((topic) => ({ topic, key: poisonKey(topic), value: Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0x7b]), randomBytes(60)]) })),
      );
      const invalidTicket = randomUUID();
      const [invalidEventId] = await publishEvents([
        // a well-formed CloudEvent from the topic's owner whose data is not a received ticket: no customer, no
        // channel, a made-up urgency (one from another source would be parked for that alone)
        { type: 'support.ticket.received.v1', data: { ticketId: invalidTicket, urgency: 'whenever' }, streamId: invalidTicket, source: 'intake' },
      ]);
      const poisonedAt = Date.now();
      report.poison = { invalidTicket, invalidEventId, garbageKeys: eventCatalogue.topics().map(poisonKey) };

      const expected = Object.entries(GROUPS).flatMap(([group, topics]) => [
        ...topics.map((topic) => ({ group, topic, what: 'garbage', matches: (m: TopicMessage) => m.key === poisonKey(topic) && m.headers.dlq_topic === topic })),
        ...(topics.includes(TICKETS_TOPIC)
          ? [{ group, topic: TICKETS_TOPIC, what: 'schema-invalid', matches: (m: TopicMessage) => m.headers.ce_id === invalidEventId && /schema/.test(m.headers.dlq_error ?? '') }]
          : []),
      ]);
      const dlq = new Map<string, TopicMessage[]>();
      const missing = async () => {
        for (const group of Object.keys(GROUPS)) dlq.set(group, await readTopic(infra.kafkaBrokers, deadLetterTopic(group)).catch(() => []));
        return expected.filter((e) => !(dlq.get(e.group) ?? []).some(e.matches));
      };
      await waitFor('every poison message parked by every consumer group that reads its topic', async () => (await missing()).length === 0, {
        timeoutMs: 120_000,
        intervalMs: 3000,
        describe: async () => (await missing()).map((e) => `${e.what} of ${e.topic} not on ${deadLetterTopic(e.group)}`),
      });
      notes.parked = Object.fromEntries([...dlq.entries()].map(([group, messages]) => [deadLetterTopic(group), messages.length]));
      notes.dlqErrors = [...new Set([...dlq.values()].flat().map((m) => (m.headers.dlq_error ?? '').slice(0, 80)))];

      // and they went on: a ticket opened after the poison is assigned
      const after = await waitFor('a ticket accepted after the poison', async () => load.requests.find((r) => r.startedAt > poisonedAt && r.id !== undefined), {
        timeoutMs: 60_000,
      });
      await waitFor('that ticket assigned', async () => (await get(`${fleet.url('intake')}/v1/tickets/${after.id}`)).state === 'assigned', { timeoutMs: 90_000, intervalMs: 500 });
      await sleep(5_000);
    });
  }, 600_000);

  // what the checks below compare: every ticket in intake's event store, found by the request's marker
  let tickets: Array<{ id: string; eventId: string; urgent: boolean; marker: string | null }> = [];
  let requestsByMarker: Map<string, PartnerRequest>;

  it('comes to rest: the partner has its answers, routing decided every ticket, every first contact breached, intake recorded each decision and breach, the dashboard caught up', async () => {
    const stopAt = Date.now();
    await load.stop();
    report.loadStoppedAfterMs = Date.now() - stopAt;
    requestsByMarker = new Map(load.requests.map((r) => [r.marker, r]));
    const state = async () => {
      const sla = SCHEMAS['sla-monitor'];
      type Counts = Record<
        | 'received'
        | 'decided'
        | 'assigned'
        | 'first_contact_breached'
        | 'breaches'
        | 'breaches_recorded'
        | 'escalations_requested'
        | 'escalations_decided'
        | 'escalated'
        | 'intake_outbox'
        | 'routing_outbox'
        | 'sla_outbox',
        number
      >;
      const [row] = await query<Counts>(
        infra,
        `SELECT (SELECT count(*) FROM ${SCHEMAS.intake}.events WHERE type = 'support.ticket.received.v1')::int AS received,
                (SELECT count(DISTINCT stream_id) FROM ${SCHEMAS.routing}.events WHERE type = 'support.routing.assignment-decided.v1')::int AS decided,
                (SELECT count(DISTINCT stream_id) FROM ${SCHEMAS.intake}.events WHERE type = 'support.ticket.assigned.v1')::int AS assigned,
                (SELECT count(*) FROM ${sla}.clocks WHERE rule_id = 'first-contact' AND breached)::int AS first_contact_breached,
                (SELECT count(*) FROM ${sla}.events WHERE type = 'support.sla.clock-breached.v1')::int AS breaches,
                (SELECT count(*) FROM ${SCHEMAS.intake}.events WHERE type = 'support.ticket.sla-breached.v1')::int AS breaches_recorded,
                (SELECT count(*) FROM ${SCHEMAS.intake}.events WHERE type = 'support.ticket.escalation-requested.v1')::int AS escalations_requested,
                (SELECT count(*) FROM ${SCHEMAS.routing}.events WHERE type = 'support.routing.escalation-decided.v1')::int AS escalations_decided,
                (SELECT count(*) FROM ${SCHEMAS.intake}.events WHERE type = 'support.ticket.escalated.v1')::int AS escalated,
                ${unrelayed(SCHEMAS.intake)} AS intake_outbox,
                ${unrelayed(SCHEMAS.routing)} AS routing_outbox,
                ${unrelayed(sla)} AS sla_outbox`,
      );
      return { ...row, dashboardLag: (await dashboardStatus()).lag };
    };
    let previous = '';
    const settleBegin = Date.now();
    try {
      const settled = await waitFor(
        'routing to decide every ticket and escalation, every first-contact clock to breach, intake to record each decision and breach, the outboxes relayed, and the dashboard at lag 0 (twice in a row)',
        async () => {
          const now = await state();
          const quiet =
            now.decided === now.received &&
            now.assigned === now.received &&
            now.first_contact_breached === now.received &&
            now.breaches_recorded === now.breaches &&
            now.escalations_decided === now.escalations_requested &&
            now.escalated === now.escalations_decided &&
            now.intake_outbox + now.routing_outbox + now.sla_outbox === 0 &&
            now.dashboardLag === 0;
          const same = JSON.stringify(now) === previous;
          previous = JSON.stringify(now);
          return quiet && same && now;
        },
        // the last tickets' first contact is due 2 minutes after they were assigned
        { timeoutMs: 360_000, intervalMs: 2000, describe: state },
      );
      report.settledInMs = Date.now() - settleBegin;
      report.atRest = settled;
    } finally {
      // the checks below judge the store as it is, come to rest or not
      const rows = await query<{ stream_id: string; event_id: string; problem: string; urgency: string }>(
        infra,
        `SELECT stream_id, event_id, data->>'problem' AS problem, data->>'urgency' AS urgency FROM ${SCHEMAS.intake}.events WHERE type = 'support.ticket.received.v1'`,
      );
      tickets = rows.map((r) => ({ id: r.stream_id, eventId: r.event_id, urgent: r.urgency === 'urgent', marker: /\[faults-[^\]]+\]/.exec(r.problem ?? '')?.[0] ?? null }));
    }
    expect(load.requests.every((r) => r.done)).toBe(true);
  }, 600_000);

  it('has every accepted ticket exactly once in the event store, and no request that created two tickets', async () => {
    const byId = new Map<string, number>();
    const byMarker = new Map<string, string[]>();
    for (const t of tickets) {
      byId.set(t.id, (byId.get(t.id) ?? 0) + 1);
      if (t.marker) byMarker.set(t.marker, [...(byMarker.get(t.marker) ?? []), t.id]);
    }
    const accepted = load.requests.filter((r) => r.id !== undefined);
    const wrong = accepted
      .filter((r) => byId.get(r.id!) !== 1 || (byMarker.get(r.marker) ?? []).join() !== r.id)
      .map((r) => ({ key: r.key, id: r.id, inStore: byId.get(r.id!) ?? 0, ticketsOfRequest: byMarker.get(r.marker) ?? [] }));
    expect(none(wrong)).toEqual(none([]));
    // a request without a 2xx may have created its ticket (the answer was lost), but never two
    const twice = [...byMarker.entries()].filter(([, ids]) => ids.length > 1).map(([marker, ids]) => ({ marker, ids, attempts: requestsByMarker.get(marker)?.attempts }));
    expect(none(twice)).toEqual(none([]));
    const strays = tickets.filter((t) => !t.marker || !requestsByMarker.has(t.marker));
    expect(none(strays)).toEqual(none([]));
    // the retry of a request whose ticket was created without the partner hearing of it got that ticket back
    expect(accepted.filter((r) => r.replayed).length).toBeGreaterThan(0);
    const unanswered = load.requests.filter((r) => r.id === undefined);
    report.neverAnsweredButCreated = unanswered.filter((r) => byMarker.has(r.marker)).map((r) => ({ key: r.key, attempts: r.attempts, ticket: byMarker.get(r.marker) }));
    report.neverAnsweredNotCreated = unanswered.filter((r) => !byMarker.has(r.marker)).length;
    report.ticketsInStore = tickets.length;
  }, 120_000);

  it('answered what it could not take while PostgreSQL was down with 503 (retry later), never with a 500', async () => {
    const outcomes = load.requests.flatMap((r) => r.attempts);
    expect(outcomes.filter((status) => /^5\d\d/.test(status) && status !== '503')).toEqual([]);
    expect(outcomes.filter((status) => status === '503').length).toBeGreaterThan(0);
  });

  it('has every ticket event of the store on support.tickets.v1, each ticket received once and assigned once by event id', async () => {
    const messages = await readTopic(infra.kafkaBrokers, TICKETS_TOPIC);
    const stored = await query<{ stream_id: string; event_id: string; type: string }>(
      infra,
      `SELECT stream_id, event_id, type FROM ${SCHEMAS.intake}.events WHERE stream_type = 'ticket'`,
    );
    const poison = report.poison as { invalidTicket: string; invalidEventId: string; garbageKeys: string[] };
    const events = messages.filter((m) => m.headers.ce_id !== undefined && m.headers.ce_id !== poison.invalidEventId);
    expect(messages.length - events.length).toBe(2); // the garbage and the schema-invalid event
    const copies = new Map<string, number>();
    const idsOf = new Map<string, Set<string>>(); // `${ticket} ${type}` -> distinct ce_ids
    for (const m of events) {
      copies.set(m.headers.ce_id, (copies.get(m.headers.ce_id) ?? 0) + 1);
      const k = `${m.key} ${m.headers.ce_type}`;
      idsOf.set(k, (idsOf.get(k) ?? new Set()).add(m.headers.ce_id));
    }
    expect(events.filter((m) => m.key !== m.headers.ce_subject).length).toBe(0);
    // nothing lost, nothing made up: the topic holds exactly the store's ticket events (by event id)
    expect([...copies.keys()].sort()).toEqual(stored.map((s) => s.event_id).sort());
    const wrong = tickets
      .map((t) => ({
        ticket: t.id,
        storedEvent: t.eventId,
        received: [...(idsOf.get(`${t.id} support.ticket.received.v1`) ?? [])],
        assigned: idsOf.get(`${t.id} support.ticket.assigned.v1`)?.size ?? 0,
      }))
      .filter((t) => t.received.length !== 1 || t.received[0] !== t.storedEvent || t.assigned !== 1);
    expect(none(wrong)).toEqual(none([]));
    // at-least-once relay: a relay killed between sending a batch and its checkpoint sends that batch again;
    // consumers drop the copies by event id (their inbox). Reported, not a failure.
    const duplicated = [...copies.entries()].filter(([, n]) => n > 1);
    report.ticketsTopic = {
      messages: messages.length,
      distinctEvents: copies.size,
      eventsPublishedMoreThanOnce: duplicated.length,
      extraCopies: duplicated.reduce((a, [, n]) => a + n - 1, 0),
      copies: duplicated.slice(0, 20).map(([id]) => ({
        id,
        type: events.find((m) => m.headers.ce_id === id)?.headers.ce_type,
        at: events.filter((m) => m.headers.ce_id === id).map((m) => `${m.partition}/${m.offset} ${m.timestamp}`),
      })),
    };
  }, 300_000);

  it('has routing decide each ticket once (and each escalation once), sla-monitor breach each first contact once, and intake record each of those once', async () => {
    const sla = SCHEMAS['sla-monitor'];
    type Row = { stream_id: string; type: string; event_id: string; causation: string | null; rule: string | null };
    const decisions = await query<Row>(
      infra,
      `SELECT stream_id, type, event_id, NULL AS causation, NULL AS rule FROM ${SCHEMAS.routing}.events WHERE stream_type = 'ticket-routing'`,
    );
    const breaches = await query<Row>(
      infra,
      `SELECT data->>'ticketId' AS stream_id, type, event_id, NULL AS causation, data->>'ruleId' AS rule FROM ${sla}.events WHERE type = 'support.sla.clock-breached.v1'`,
    );
    const recorded = await query<Row>(
      infra,
      `SELECT stream_id, type, event_id, metadata->>'causationId' AS causation, NULL AS rule FROM ${SCHEMAS.intake}.events WHERE stream_type = 'ticket' AND type <> 'support.ticket.received.v1' ORDER BY stream_id, version`,
    );
    const byTicket = (rows: Row[]) => {
      const map = new Map<string, Row[]>();
      for (const row of rows) map.set(row.stream_id, [...(map.get(row.stream_id) ?? []), row]);
      return map;
    };
    const [decidedFor, breachedFor, recordedFor] = [byTicket(decisions), byTicket(breaches), byTicket(recorded)];
    // what each ticket's history must be: the assignment decided once, its first contact breached once
    // (escalated once when urgent), each recorded by intake once, caused by the decision or breach
    const wrong = tickets.flatMap((t): unknown[] => {
      const ds = decidedFor.get(t.id) ?? [];
      const bs = breachedFor.get(t.id) ?? [];
      const assignment = ds.filter((d) => d.type === 'support.routing.assignment-decided.v1');
      const escalation = ds.filter((d) => d.type === 'support.routing.escalation-decided.v1');
      const breach = bs.filter((b) => b.rule === 'first-contact');
      const shapeOk = assignment.length === 1 && breach.length === 1 && escalation.length === (t.urgent ? 1 : 0) && ds.length === assignment.length + escalation.length;
      if (!shapeOk) return [{ ticket: t.id, urgent: t.urgent, decisions: ds.map((d) => d.type), breaches: bs.map((b) => b.rule) }];
      const expected = [
        `support.ticket.assigned.v1<-${assignment[0].event_id}`,
        `support.ticket.sla-breached.v1<-${breach[0].event_id}`,
        ...(t.urgent ? [`support.ticket.escalation-requested.v1<-${breach[0].event_id}`, `support.ticket.escalated.v1<-${escalation[0].event_id}`] : []),
      ].sort();
      const actual = (recordedFor.get(t.id) ?? []).map((r) => `${r.type}<-${r.causation}`).sort();
      return actual.join() === expected.join() ? [] : [{ ticket: t.id, urgent: t.urgent, expected, actual }];
    });
    expect(none(wrong)).toEqual(none([]));
    const known = new Set(tickets.map((t) => t.id));
    expect(none([...decidedFor.keys(), ...breachedFor.keys()].filter((id) => !known.has(id)))).toEqual(none([]));

    // and on Kafka, each decision and each breach once by event id: nothing lost, nothing made up
    const distinctIds = async (topic: string, types: string[]) =>
      [...new Set((await readTopic(infra.kafkaBrokers, topic)).filter((m) => types.includes(m.headers.ce_type)).map((m) => m.headers.ce_id))].sort();
    expect(await distinctIds(ROUTING_TOPIC, ['support.routing.assignment-decided.v1', 'support.routing.escalation-decided.v1'])).toEqual(decisions.map((d) => d.event_id).sort());
    expect(await distinctIds(SLA_TOPIC, ['support.sla.clock-breached.v1'])).toEqual(breaches.map((b) => b.event_id).sort());
    report.decisions = { routing: decisions.length, breaches: breaches.length, urgentTickets: tickets.filter((t) => t.urgent).length };
  }, 300_000);

  it("has a valid hash chain in every ticket's history (GET /v1/tickets/:id/history/verify)", async () => {
    const invalid: unknown[] = [];
    const lengths = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < tickets.length) {
        const { id } = tickets[next++];
        const verdict = await get(`${fleet.url('intake')}/v1/tickets/${id}/history/verify`);
        if (verdict.valid !== true) invalid.push({ id, ...verdict });
        lengths.set(verdict.length, (lengths.get(verdict.length) ?? 0) + 1);
      }
    };
    const begin = Date.now();
    await Promise.all(Array.from({ length: 6 }, worker));
    report.verify = { tickets: tickets.length, seconds: Math.round((Date.now() - begin) / 1000), historyLengths: Object.fromEntries(lengths) };
    expect(none(invalid)).toEqual(none([]));
  }, 600_000);

  it('has the dashboard rebuild from offset 0 to the same checksum', async () => {
    expect((await dashboardStatus()).lag).toBe(0);
    const before = await dashboardChecksum();
    // every ticket once in the live queue (they are all open)
    expect(before.rows.queue).toBe(tickets.length);
    const begin = Date.now();
    const response = await fetch(`${fleet.url('dashboard')}/v1/projections/rebuild`, { method: 'POST', headers: { authorization: `Bearer ${lead}` } });
    expect(response.status).toBe(202);
    await waitFor('the rebuilt dashboard caught up', async () => (await dashboardStatus()).caughtUp, { timeoutMs: 300_000, intervalMs: 1000 });
    const after = await dashboardChecksum();
    report.dashboard = { checksumBefore: before, checksumAfterRebuild: after, rebuildSeconds: Math.round((Date.now() - begin) / 1000) };
    expect(after).toEqual(before);
  }, 600_000);
});

/** every service answered /health/ready with 503 at every sample (and there were a few) */
function expectNotReadyThroughout(samples: Record<Name, number[]>): void {
  expect(samples.intake.length).toBeGreaterThanOrEqual(4);
  expect(samples).toEqual(Object.fromEntries(NAMES.map((name) => [name, samples[name].map(() => 503)])));
}
