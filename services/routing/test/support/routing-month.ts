import { randomUUID } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import { DataSource, EntityManager } from 'typeorm';
import { AppendPipeline, IdempotencyStore } from '@support/command-handling';
import { Actor, Cause, Clock, eventCatalogue, MemberRole, SCENARIOS_TOPIC, Tier, TicketEvent, TICKETS_TOPIC } from '@support/contracts';
import { EventStore } from '@support/event-store';
import { ensureTopics, MessagingClient, readRecordedEvents, toKafkaMessage } from '@support/messaging';
import { RosterService } from '../../src/application/roster.service';
import { RoutingEngine } from '../../src/application/routing-engine';
import { MemberCommand } from '../../src/domain';
import { RosterRepository } from '../../src/persistence/roster.repository';
import { RoutedTicketsRepository } from '../../src/persistence/routed-tickets.repository';
import { ScenarioCatalogueRepository } from '../../src/persistence/scenario-catalogue.repository';

// A generated month of a support desk, decided by routing's LIVE engine (RoutingEngine.onTicketEvents,
// RosterService, assignManually, onScenario on PostgreSQL, with a manual clock at each input's time) and
// published to Kafka as intake and the knowledge base would publish it, so that a what-if replay of the
// month with no proposal can be held against what the live engine decided. Shared by the identity spec
// (services/routing/test/routing-simulation-identity.int.spec.ts) and bench/routing-simulation.bench.ts.

const DAY = 86_400_000;
const MINUTE = 60_000;
const SERVICE: Actor = { id: 'routing', role: 'service' };
const LEAD: Actor = { id: 'lead-zhang', role: 'lead' };

/** a clock the harness sets to each input's time */
class SetClock implements Clock {
  at = new Date(0);
  now(): Date {
    return new Date(this.at);
  }
}

/** a small seeded generator (mulberry32): the same month on every run with the same seed */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type MemberSpec = { memberId: string; role: MemberRole; tier: Tier; skills: string[]; scenarios: string[]; capacity: number; shift: 'day' | 'late' | 'always' };

const CATEGORIES = ['network', 'printer', 'streaming', 'operating-system', 'hardware'];
/** one team's roster; a month of more tickets has more teams (about one per 1,500 tickets a month) */
const TEAM: MemberSpec[] = [
  { memberId: 'agent-1', role: 'agent', tier: 'L1', skills: ['network', 'printer'], scenarios: [], capacity: 4, shift: 'day' },
  { memberId: 'agent-2', role: 'agent', tier: 'L1', skills: ['streaming'], scenarios: [], capacity: 4, shift: 'day' },
  { memberId: 'agent-3', role: 'agent', tier: 'L1', skills: ['operating-system'], scenarios: [], capacity: 3, shift: 'day' },
  { memberId: 'agent-4', role: 'agent', tier: 'L1', skills: ['network'], scenarios: [], capacity: 4, shift: 'late' },
  { memberId: 'agent-5', role: 'agent', tier: 'L1', skills: [], scenarios: [], capacity: 3, shift: 'late' },
  { memberId: 'senior-1', role: 'senior', tier: 'L2', skills: CATEGORIES, scenarios: [], capacity: 3, shift: 'day' },
  { memberId: 'senior-2', role: 'senior', tier: 'L2', skills: ['hardware'], scenarios: [], capacity: 3, shift: 'late' },
  { memberId: 'lead-1', role: 'lead', tier: 'L3', skills: [], scenarios: [], capacity: 3, shift: 'always' },
  { memberId: 'contractor-1', role: 'contractor', tier: 'L1', skills: [], scenarios: ['printer-driver-reinstall', 'os-reinstall'], capacity: 2, shift: 'day' },
  { memberId: 'contractor-2', role: 'contractor', tier: 'L1', skills: [], scenarios: ['router-reset'], capacity: 2, shift: 'late' },
];

const TRIAGES = [
  undefined,
  { faultCategory: 'network' },
  { faultCategory: 'printer' },
  { faultCategory: 'streaming' },
  { faultCategory: 'operating-system' },
  { faultCategory: 'hardware', difficulty: 'hard' },
  { faultCategory: 'printer', scenario: 'printer-driver-reinstall', difficulty: 'fixed-scenario' },
  { scenario: 'os-reinstall' },
  { faultCategory: 'network', scenario: 'router-reset' },
];

export interface RoutingMonth {
  /** the period replayed: the month; inputs start two days before it (state carried in) */
  period: { from: Date; to: Date };
  tickets: number;
  /** ticket and catalogue events published */
  published: number;
  /** inputs the live engine decided on (ticket events, roster changes, manual assignments, scenarios) */
  liveInputs: number;
  liveMs: number;
}

/**
 * The period for this run: before every ticket event dated before 2000 already on the topic (earlier runs of
 * these harnesses, each earlier than the one before), so a replay of it reads this run's events only. The
 * period is reserved at once by a marker three days before it (a closing of a ticket nobody knows, which
 * routing ignores), so a run started meanwhile picks an earlier one.
 */
export async function freshMonth(client: MessagingClient, groupPrefix: string, days = 30): Promise<{ from: Date; to: Date }> {
  const { events } = await readRecordedEvents(client, [TICKETS_TOPIC], { groupPrefix, upTo: new Date('2000-01-01T00:00:00Z'), catalogue: eventCatalogue });
  const earliest = events.length > 0 ? Date.parse(events[0].time) : Date.parse('2000-01-01T00:00:00Z');
  // a few days' gap, and a jitter so that two runs started at once rarely pick the same month
  const to = Math.floor(earliest / DAY) * DAY - (5 + Math.floor(Math.random() * 20)) * DAY;
  const from = to - days * DAY;
  const ticketId = randomUUID();
  const marker = toKafkaMessage(
    {
      id: randomUUID(),
      type: 'support.ticket.closed.v1',
      data: { ticketId, note: 'what-if harness: the following days are reserved' },
      occurredAt: new Date(from - 3 * DAY),
      metadata: { actor: { id: 'intake', role: 'service' }, causationId: null, correlationId: null },
      streamId: ticketId,
      version: 1,
      hash: '0'.repeat(64),
    },
    'intake',
    TICKETS_TOPIC,
  );
  await ensureTopics(client, [TICKETS_TOPIC, SCENARIOS_TOPIC]);
  const producer = client.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await producer.send({ topic: TICKETS_TOPIC, messages: [{ key: marker.key, value: JSON.stringify(marker.value), headers: marker.headers }] });
  await producer.disconnect();
  return { from: new Date(from), to: new Date(to) };
}

type Input = { at: number; seq: number; run: () => Promise<void> };

/**
 * Generates and decides a month of `tickets` tickets in `period` on the routing tables of `dataSource`'s
 * schema (migrated), each event with its row in the inbox of routing's consumer group as the consumer writes
 * it, publishing every ticket and scenario event with `publisher`.
 */
export async function liveRoutingMonth(options: {
  dataSource: DataSource;
  schema: string;
  publisher: MessagingClient;
  period: { from: Date; to: Date };
  tickets: number;
  seed?: number;
}): Promise<RoutingMonth> {
  const { dataSource, schema, period } = options;
  const random = seeded(options.seed ?? 24);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const clock = new SetClock();
  const engine = new RoutingEngine(
    schema,
    new AppendPipeline(new EventStore(schema, eventCatalogue)),
    new RosterRepository(schema),
    new RoutedTicketsRepository(schema),
    new ScenarioCatalogueRepository(schema),
    clock,
  );
  const roster = new RosterService(dataSource, engine, new IdempotencyStore(schema, { clock }));
  const tickets = new RoutedTicketsRepository(schema);
  const teams = Math.max(1, Math.round(options.tickets / 1500));
  const ROSTER = Array.from({ length: teams }, (_, team) => TEAM.map((m) => ({ ...m, memberId: team === 0 ? m.memberId : `${m.memberId}-t${team + 1}` }))).flat();
  const start = period.from.getTime() - 2 * DAY;
  const end = period.to.getTime();

  // every input at its own millisecond: the live order, the recorded order and the replay's order are one
  const used = new Set<number>();
  const unique = (at: number) => {
    let t = at;
    while (used.has(t)) t++;
    used.add(t);
    return t;
  };
  // a binary heap by (time, order scheduled): inputs are scheduled while earlier ones run
  const inputs: Input[] = [];
  let seq = 0;
  const before = (a: Input, b: Input) => a.at < b.at || (a.at === b.at && a.seq < b.seq);
  const schedule = (at: number, run: () => Promise<void>) => {
    if (at >= end) return;
    inputs.push({ at: unique(at), seq: seq++, run });
    for (let i = inputs.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!before(inputs[i], inputs[parent])) break;
      [inputs[i], inputs[parent]] = [inputs[parent], inputs[i]];
      i = parent;
    }
  };
  const next = (): Input => {
    const top = inputs[0];
    const last = inputs.pop()!;
    if (inputs.length > 0) {
      inputs[0] = last;
      for (let i = 0; ;) {
        const [l, r] = [2 * i + 1, 2 * i + 2];
        let least = i;
        if (l < inputs.length && before(inputs[l], inputs[least])) least = l;
        if (r < inputs.length && before(inputs[r], inputs[least])) least = r;
        if (least === i) break;
        [inputs[i], inputs[least]] = [inputs[least], inputs[i]];
        i = least;
      }
    }
    return top;
  };

  const messages: Array<{ topic: string; key: string; value: string; headers: Record<string, string> }> = [];
  const scenarioVersions = new Map<string, number>();
  const publish = (type: string, data: Record<string, unknown>, streamId: string, at: Date, source: string, causationId: string | null = null, version = 1) => {
    const id = randomUUID();
    const topic = eventCatalogue.definition(type).topic;
    const message = toKafkaMessage(
      { id, type, data, occurredAt: at, metadata: { actor: { id: source, role: 'service' }, causationId, correlationId: id }, streamId, version, hash: '0'.repeat(64) },
      source,
      topic,
    );
    messages.push({ topic, key: message.key, value: JSON.stringify(message.value), headers: message.headers });
    return id;
  };

  // ---- the live engine, one input at a time -------------------------------------------------------
  let lastPosition = '0';
  const ticketEvent = async (type: string, data: Record<string, unknown>, causationId: string | null = null) => {
    const at = clock.now();
    const id = publish(type, data, data.ticketId as string, at, 'intake', causationId);
    const cause: Cause = { actor: SERVICE, causationId: id, correlationId: id };
    // in the consumer's transaction, with its inbox row (what routing took in is what a replay takes in)
    await dataSource.transaction(async (m) => {
      await engine.onTicketEvents(m, [{ event: { type, data } as unknown as TicketEvent, cause }]);
      await takeIn(m, 'ticket-events', id, TICKETS_TOPIC);
    });
  };
  const takeIn = (m: EntityManager, group: string, eventId: string, topic: string) =>
    m.query(`INSERT INTO "${schema}".inbox (consumer_group, event_id, topic) VALUES ($1, $2, $3)`, [`${schema}.${group}`, eventId, topic]);
  const marked = new Set<string>();
  const life = new Map<string, { cancel: boolean; reopen: boolean; escalate: boolean; handled: boolean }>();

  /** what intake does with routing's new decisions: confirms each, and the ticket's life goes on from there */
  async function afterDecisions() {
    const rows: Array<{ id: string; type: string; stream_id: string; data: Record<string, unknown>; global_position: string; occurred_at: Date }> = await dataSource.query(
      `SELECT event_id AS id, type, stream_id, data, global_position::text, occurred_at FROM "${schema}".events WHERE stream_type = 'ticket-routing' AND global_position > $1 ORDER BY global_position`,
      [lastPosition],
    );
    for (const row of rows) {
      lastPosition = row.global_position;
      if (row.type === 'support.routing.ticket-queued.v1') {
        // now and then a lead hands a waiting ticket to someone on duty by hand (refused, and so unrecorded, if the rules say no)
        if (row.data.waitingFor === 'assignment' && random() < 0.3) schedule(row.occurred_at.getTime() + between(1, 30) * MINUTE, () => byHand(row.stream_id));
        continue;
      }
      const ticketId = row.stream_id;
      const assignee = row.data.assignee as { id: string; role: string; name: string };
      const at = row.occurred_at.getTime();
      if (row.type === 'support.routing.escalation-decided.v1') {
        schedule(at + 1, () =>
          ticketEvent(
            'support.ticket.escalated.v1',
            { ticketId, fromTier: row.data.fromTier, toTier: row.data.toTier, assignee, reason: row.data.reason, decisionId: row.id },
            row.id,
          ),
        );
      } else if (assignee.role === 'contractor') {
        schedule(at + 1, () => ticketEvent('support.ticket.dispatched-to-contractor.v1', { ticketId, assignee, scenario: row.data.scenario, decisionId: row.id }, row.id));
      } else {
        schedule(at + 1, () => ticketEvent('support.ticket.assigned.v1', { ticketId, assignee, tier: row.data.tier, reason: row.data.reason, decisionId: row.id }, row.id));
      }
      const plan = life.get(ticketId);
      if (!plan || plan.cancel || plan.handled) continue;
      plan.handled = true;
      // worked for a while; some ask the next tier (from the tier routing has them at), then resolved and closed
      let t = at + between(20, 240) * MINUTE;
      if (plan.escalate) {
        const askAt = at + between(10, 60) * MINUTE;
        schedule(askAt, async () => {
          const held = await tickets.get(dataSource, ticketId);
          if (!held || held.status === 'done' || !held.tier) return;
          await ticketEvent('support.ticket.escalation-requested.v1', { ticketId, fromTier: held.tier, reason: 'needs the next tier' });
        });
        t = askAt + between(30, 300) * MINUTE;
      }
      const resolvedAt = t;
      schedule(resolvedAt, () => ticketEvent('support.ticket.resolved.v1', { ticketId, resolution: '重装驱动后恢复', remote: true }));
      const closedAt = resolvedAt + between(5, 60) * MINUTE;
      schedule(closedAt, () => ticketEvent('support.ticket.closed.v1', { ticketId }));
      if (plan.reopen) {
        const reopenedAt = closedAt + between(60, 600) * MINUTE;
        schedule(reopenedAt, () => ticketEvent('support.ticket.reopened.v1', { ticketId, reason: 'it broke again' }));
        schedule(reopenedAt + between(30, 240) * MINUTE, () => ticketEvent('support.ticket.closed.v1', { ticketId, note: 'closed again' }));
      }
    }
  }

  async function byHand(ticketId: string) {
    const held = await tickets.get(dataSource, ticketId);
    if (!held || held.status !== 'waiting') return;
    const onDuty: Array<{ member_id: string }> = await dataSource.query(`SELECT member_id FROM "${schema}".members WHERE on_duty AND open_tickets < capacity ORDER BY member_id`);
    if (onDuty.length === 0) return;
    await dataSource.transaction((m) => engine.assignManually(m, { ticketId, memberId: pick(onDuty).member_id, reason: '客户指定' }, { actor: LEAD }));
  }

  // ---- the month --------------------------------------------------------------------------------------
  // the roster registers on the first day; shifts (Asia/Shanghai day 09-17 = 01-09 UTC, late 05-13 UTC) every day
  for (const member of ROSTER) {
    schedule(start + 30 * MINUTE, async () => {
      const { shift, ...profile } = member;
      const commands = (at: Date): MemberCommand[] => [
        { type: 'RegisterMember', ...profile, name: member.memberId, actor: LEAD, at },
        ...(shift === 'always' ? [{ type: 'GoOnDuty' as const, memberId: member.memberId, actor: LEAD, at }] : []),
      ];
      await roster.register(member.memberId, commands, { actor: LEAD }, { memberId: member.memberId });
    });
    if (member.shift === 'always') continue;
    const [on, off] = member.shift === 'day' ? [1, 9] : [5, 13];
    for (let day = start; day < end; day += DAY) {
      schedule(day + on * 60 * MINUTE + between(0, 20) * MINUTE, () => duty(member.memberId, 'GoOnDuty'));
      schedule(day + off * 60 * MINUTE + between(0, 20) * MINUTE, () => duty(member.memberId, 'GoOffDuty'));
    }
  }
  async function duty(memberId: string, type: 'GoOnDuty' | 'GoOffDuty') {
    // a member may be on duty already (a lead put them on by hand): the decider refuses, nothing is recorded
    await roster.execute(memberId, (at) => ({ type, memberId, actor: LEAD, at }), { actor: LEAD });
  }
  // halfway, agent-1 takes more work and contractor-1 one scenario more
  schedule(period.from.getTime() + 15 * DAY, async () => {
    await roster.execute(
      'agent-1',
      (at) => ({ type: 'ChangeProfile', memberId: 'agent-1', name: 'agent-1', tier: 'L1', skills: ['network', 'printer'], scenarios: [], capacity: 6, actor: LEAD, at }),
      {
        actor: LEAD,
      },
    );
  });
  schedule(period.from.getTime() + 15 * DAY + 7 * MINUTE, async () => {
    await roster.execute(
      'contractor-1',
      (at) => ({
        type: 'ChangeProfile',
        memberId: 'contractor-1',
        name: 'contractor-1',
        tier: 'L1',
        skills: [],
        scenarios: ['printer-driver-reinstall', 'os-reinstall', 'router-reset'],
        capacity: 2,
        actor: LEAD,
        at,
      }),
      { actor: LEAD },
    );
  });

  // the catalogue: printer-driver-reinstall fixed, router-reset not (until day 10), os-reinstall never listed
  const scenario = (at: number, scenarioId: string, fixed: boolean) =>
    schedule(at, async () => {
      const version = (scenarioVersions.get(scenarioId) ?? 0) + 1;
      scenarioVersions.set(scenarioId, version);
      const type = version === 1 ? 'support.scenario.defined.v1' : 'support.scenario.changed.v1';
      const data = { scenarioId, faultCategory: 'printer', name: scenarioId, fixed };
      const id = publish(type, data, scenarioId, clock.now(), 'knowledge-base', null, version);
      await dataSource.transaction(async (m) => {
        await engine.onScenario(m, data, version, { actor: SERVICE, causationId: id, correlationId: id });
        await takeIn(m, 'scenario-catalogue', id, SCENARIOS_TOPIC);
      });
    });
  scenario(start + 10 * MINUTE, 'printer-driver-reinstall', true);
  scenario(start + 11 * MINUTE, 'router-reset', false);
  scenario(period.from.getTime() + 10 * DAY + 3 * 60 * MINUTE, 'router-reset', true);

  // tickets: mostly in the daytime (01-13 UTC), some at night; a few urgent
  const span = end - start - 60 * MINUTE;
  for (let i = 0; i < options.tickets; i++) {
    const dayStart = start + Math.floor((random() * span) / DAY) * DAY;
    const hour = random() < 0.85 ? between(1, 12) : between(0, 23);
    const at = Math.max(start + 60 * MINUTE, dayStart + hour * 60 * MINUTE + between(0, 59) * MINUTE + between(0, 59) * 1000);
    const ticketId = randomUUID();
    const customerId = randomUUID();
    const urgency = random() < 0.25 ? 'urgent' : 'normal';
    const triage = pick(TRIAGES);
    const plan = { cancel: random() < 0.04, reopen: random() < 0.03, escalate: random() < 0.1, handled: false };
    life.set(ticketId, plan);
    const elsewhere = random() < 0.005;
    schedule(at, () =>
      ticketEvent('support.ticket.received.v1', {
        ticketId,
        customerId,
        customer: { name: '王女士' },
        channel: 'wechat',
        deviceModel: 'Roland V-8HD',
        problem: '切换台无画面输出',
        urgency,
        requestedAt: new Date(at).toISOString(),
        receivedAt: new Date(at).toISOString(),
        ...(triage ? { triage } : {}),
      }),
    );
    if (plan.cancel) schedule(at + between(30, 600) * MINUTE, () => ticketEvent('support.ticket.cancelled.v1', { ticketId, reason: 'customer withdrew' }));
    if (elsewhere) {
      // intake records someone else as the holder (a decision made outside routing), a while after receipt
      const member = pick(ROSTER.filter((m) => m.role === 'agent'));
      schedule(at + between(60, 300) * MINUTE, () =>
        ticketEvent('support.ticket.assigned.v1', { ticketId, assignee: { id: member.memberId, role: 'agent', name: member.memberId }, tier: 'L1' }),
      );
    }
    marked.add(ticketId);
  }

  // ---- run it ---------------------------------------------------------------------------------------
  const began = Date.now();
  let liveInputs = 0;
  while (inputs.length > 0) {
    const input = next();
    clock.at = new Date(input.at);
    await input.run();
    liveInputs++;
    await afterDecisions();
  }
  const liveMs = Date.now() - began;

  await ensureTopics(options.publisher, [TICKETS_TOPIC, SCENARIOS_TOPIC]);
  const producer = options.publisher.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 500) {
      const chunk = messages.slice(i, i + 500);
      const byTopic = new Map<string, typeof chunk>();
      for (const message of chunk) byTopic.set(message.topic, [...(byTopic.get(message.topic) ?? []), message]);
      await producer.sendBatch({ topicMessages: [...byTopic].map(([topic, ms]) => ({ topic, messages: ms.map(({ key, value, headers }) => ({ key, value, headers })) })) });
    }
  } finally {
    await producer.disconnect();
  }
  return { period, tickets: marked.size, published: messages.length, liveInputs, liveMs };
}
