import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { Cause, eventCatalogue, SCENARIOS_TOPIC, TicketEvent, TICKETS_TOPIC } from '@support/contracts';
import { ensureTopics, readRecordedEvents, toKafkaMessage } from '@support/messaging';
import { serveOnFreePort, signTestToken } from '@support/service-kit';
import { dropTestSchema, jsonRequest, ManualClock, serviceDatabase, serviceKafka, testInfra, testMessagingClient, uniqueSchemaName } from '@support/test-kit';
import { freshMonth } from './support/routing-month';
import { routingService } from '../src/routing.app';
import { RoutingRuntime, startRoutingRuntime } from '../src/routing.providers';

// POST /v1/simulations over HTTP against the running routing service (PostgreSQL, Kafka, a manual clock):
// a scripted week whose outcome under proposed rosters (a member on duty, members added) is worked out by hand below; the simulation
// changes no table and publishes nothing, leaves no consumer group behind, and answers byte for byte the
// same twice; bad proposals get a 400 naming the field and the rule; only a lead may ask.

const SECRET = 'routing-simulation-e2e-secret-that-is-long-enough-0123456789';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('routing what-if over HTTP: a scripted week', () => {
  const infra = testInfra();
  const schema = uniqueSchemaName('routing_sim');
  const clock = new ManualClock(new Date('1990-01-01T00:00:00Z'));
  const admin = testMessagingClient('routing-sim-e2e');
  let runtime: RoutingRuntime;
  let app: INestApplication;
  let url: string;
  let lead: string;
  let period: { from: Date; to: Date };
  /** an instant of the week: day d (0-6) at hh:mm UTC */
  const at = (d: number, hh: number, mm = 0) => new Date(period.from.getTime() + d * DAY + hh * HOUR + mm * 60_000);
  const tickets: Record<string, string> = {};
  const published: Array<{ topic: string; key: string; value: string; headers: Record<string, string> }> = [];

  beforeAll(async () => {
    period = await freshMonth(admin, `${schema}.`, 7);
    clock.set(new Date(period.from.getTime() - DAY));
    runtime = await startRoutingRuntime({ ...serviceDatabase('routing'), ...serviceKafka('routing'), schema, clock, consumeFromBeginning: false }, () => undefined);
    // the week is fed to the engine by hand at its instants: the consumers would bring today's tickets of other tests
    await runtime.ticketEvents.stop();
    await runtime.scenarioEvents.stop();
    ({ app, url } = await serveOnFreePort(routingService, runtime, { ...infra, jwtSecret: SECRET }));
    lead = await signTestToken(SECRET, { id: 'lead-zhang', role: 'lead' });

    // the roster, the day before: agent-a on duty (capacity 1), agent-b off duty all week, a senior and a lead
    for (const [memberId, role, tier, onDuty] of [
      ['agent-a', 'agent', 'L1', true],
      ['agent-b', 'agent', 'L1', false],
      ['senior-s', 'senior', 'L2', true],
      ['lead-l', 'lead', 'L3', true],
    ] as const) {
      const response = await jsonRequest(`${url}/v1/members`, lead, 'POST', { memberId, role, tier, name: memberId, skills: [], scenarios: [], capacity: 1, onDuty });
      expect([memberId, response.status]).toEqual([memberId, 201]);
    }

    // the week as intake records it
    const week: Array<[Date, string, string, Record<string, unknown>]> = [
      [at(0, 1, 0), 'T1', 'support.ticket.received.v1', { urgency: 'normal' }],
      [at(0, 1, 10), 'T2', 'support.ticket.received.v1', { urgency: 'urgent' }],
      [at(0, 1, 20), 'T3', 'support.ticket.received.v1', { urgency: 'normal' }],
      [at(0, 2, 0), 'T1', 'support.ticket.resolved.v1', {}],
      [at(0, 3, 0), 'T2', 'support.ticket.resolved.v1', {}],
      [at(0, 4, 0), 'T3', 'support.ticket.resolved.v1', {}],
      [at(0, 5, 0), 'T4', 'support.ticket.received.v1', { urgency: 'normal', triage: { faultCategory: 'hardware', difficulty: 'hard' } }],
      [at(0, 5, 30), 'T4', 'support.ticket.escalation-requested.v1', { fromTier: 'L2', reason: '主板需要更换' }],
      [at(0, 6, 0), 'T4', 'support.ticket.resolved.v1', {}],
      [at(1, 1, 0), 'T5', 'support.ticket.received.v1', { urgency: 'normal' }],
      [at(1, 1, 30), 'T5', 'support.ticket.resolved.v1', {}],
      [at(2, 1, 0), 'T6', 'support.ticket.received.v1', { urgency: 'normal' }],
      [at(2, 1, 5), 'T7', 'support.ticket.received.v1', { urgency: 'normal' }],
      [at(2, 2, 5), 'T6', 'support.ticket.resolved.v1', {}],
    ];
    for (const [when, name, type, extra] of week) {
      tickets[name] ??= randomUUID();
      await ticketEvent(when, type, tickets[name], extra);
    }
    // day 2 03:00: a lead hands T7 to the senior by hand
    clock.set(at(2, 3, 0));
    expect((await jsonRequest(`${url}/v1/assignments`, lead, 'POST', { ticketId: tickets.T7, memberId: 'senior-s', reason: '客户指定' })).status).toBe(201);

    await ensureTopics(admin, [TICKETS_TOPIC, SCENARIOS_TOPIC]);
    const producer = admin.producer();
    await producer.connect();
    await producer.send({ topic: TICKETS_TOPIC, messages: published.map(({ key, value, headers }) => ({ key, value, headers })) });
    await producer.disconnect();
    clock.set(new Date(period.to.getTime() + DAY));
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await dropTestSchema(schema);
  }, 60_000);

  /** a ticket event at its instant: published as intake would, and decided by routing's engine at that instant */
  async function ticketEvent(when: Date, type: string, ticketId: string, extra: Record<string, unknown>) {
    clock.set(when);
    const iso = when.toISOString();
    const data =
      type === 'support.ticket.received.v1'
        ? {
            ticketId,
            customerId: randomUUID(),
            customer: { name: '王女士' },
            channel: 'wechat',
            deviceModel: 'Sony FX3',
            problem: '无法开机',
            requestedAt: iso,
            receivedAt: iso,
            ...extra,
          }
        : type === 'support.ticket.resolved.v1'
          ? { ticketId, resolution: '远程指导后恢复', remote: true }
          : { ticketId, ...extra };
    const id = randomUUID();
    const message = toKafkaMessage(
      {
        id,
        type,
        data,
        occurredAt: when,
        metadata: { actor: { id: 'intake', role: 'service' }, causationId: null, correlationId: id },
        streamId: ticketId,
        version: 1,
        hash: '0'.repeat(64),
      },
      'intake',
      TICKETS_TOPIC,
    );
    published.push({ topic: TICKETS_TOPIC, key: message.key, value: JSON.stringify(message.value), headers: message.headers });
    const cause: Cause = { actor: { id: 'routing', role: 'service' }, causationId: id, correlationId: id };
    // as routing's consumer takes it in: decided, and its inbox row, in one transaction
    await runtime.dataSource.transaction(async (m) => {
      await runtime.engine.onTicketEvents(m, [{ event: { type, data } as unknown as TicketEvent, cause }]);
      await m.query(`INSERT INTO "${schema}".inbox (consumer_group, event_id, topic) VALUES ($1, $2, $3)`, [`${schema}.ticket-events`, id, TICKETS_TOPIC]);
    });
  }

  const simulate = (body: unknown, token: string | null = lead) => jsonRequest(`${url}/v1/simulations`, token, 'POST', body);
  const week = () => ({ from: period.from.toISOString(), to: period.to.toISOString() });

  it('answers the recorded week and the week with agent-b on duty, as worked out by hand', async () => {
    const response = await simulate({ ...week(), roster: { members: [{ memberId: 'agent-b', onDuty: true }] } });
    expect(response.status).toBe(200);
    const answer = await response.json();
    expect(answer).toMatchObject({ service: 'routing', period: week(), proposal: { members: [{ memberId: 'agent-b', onDuty: true }] } });
    expect(answer.assumptions.length).toBeGreaterThanOrEqual(5);

    // ACTUAL (agent-a alone at L1, capacity 1):
    //   T1 01:00 -> agent-a (wait 0); T2 urgent 01:10 and T3 01:20 queue; T1 resolved 02:00 -> T2 (urgent first, wait 50);
    //   T2 resolved 03:00 -> T3 (wait 100); T4 hard 05:00 -> senior-s (0), escalated 05:30 L2 -> L3 lead-l;
    //   day 1 T5 01:00 -> agent-a (0); day 2 T6 01:00 -> agent-a (0), T7 01:05 queues, T6 resolved 02:05 -> T7 (wait 60);
    //   day 2 03:00 the lead hands T7 to senior-s (manual).
    //   assignments 8 (7 automatic + 1 manual), escalations 1. waits [0,50,100,0,0,0,60] -> sorted [0,0,0,0,50,60,100]:
    //   p50 = rank ceil(0.5*7)=4 -> 0, p90 = rank ceil(0.9*7)=7 -> 100; urgent [50]; normal [0,0,0,0,60,100]: p50 rank 3 -> 0, p90 rank 6 -> 100.
    //   L1: 6 hands (T1 T2 T3 T5 T6 T7), first-hand waits [0,50,100,0,0,60] -> p50 rank 3 -> 0, p90 rank 6 -> 100;
    //   L2: 2 hands (T4, T7 by hand), first-hand waits [0]; L3: 1 hand (the escalation), no first hands.
    const none = { count: 0, p50: null, p90: null };
    expect(answer.actual).toEqual({
      tickets: 7,
      assigned: 8,
      dispatched: 0,
      manual: 1,
      manualSkipped: 0,
      escalations: 1,
      waitingAtEnd: 0,
      queueWait: { all: { count: 7, p50: 0, p90: 100 }, urgent: { count: 1, p50: 50, p90: 50 }, normal: { count: 6, p50: 0, p90: 100 } },
      byTier: [
        { tier: 'L1', assigned: 6, queueWait: { count: 6, p50: 0, p90: 100 } },
        { tier: 'L2', assigned: 2, queueWait: { count: 1, p50: 0, p90: 0 } },
        { tier: 'L3', assigned: 1, queueWait: none },
        { tier: 'contractor', assigned: 0, queueWait: none },
      ],
      members: [
        { memberId: 'agent-a', name: 'agent-a', role: 'agent', tier: 'L1', assigned: 6, maxOpen: 1 },
        { memberId: 'agent-b', name: 'agent-b', role: 'agent', tier: 'L1', assigned: 0, maxOpen: 0 },
        { memberId: 'lead-l', name: 'lead-l', role: 'lead', tier: 'L3', assigned: 1, maxOpen: 1 },
        { memberId: 'senior-s', name: 'senior-s', role: 'senior', tier: 'L2', assigned: 2, maxOpen: 1 },
      ],
    });

    // PROPOSED (agent-b on duty from `from`, capacity 1):
    //   T1 01:00 -> agent-a (both empty and never assigned: member id); T2 urgent 01:10 -> agent-b (0); T3 01:20 queues;
    //   T1 resolved 02:00 -> T3 to agent-a (wait 40); T4 as recorded (senior-s, escalated to lead-l);
    //   day 1 T5 -> agent-b (both empty; agent-b's last assignment 01:10 day 0 is older than agent-a's 02:00) (0);
    //   day 2 T6 -> agent-a (agent-b was assigned more recently, day 1), T7 01:05 -> agent-b (0); 03:00 the lead's
    //   hand T7 -> senior-s is still legal: replayed.
    //   waits [0,0,40,0,0,0,0] -> p50 0, p90 rank 7 -> 40; urgent [0]; normal [0,40,0,0,0,0] -> p50 rank 3 -> 0, p90 rank 6 -> 40.
    expect(answer.proposed).toEqual({
      ...answer.actual,
      queueWait: { all: { count: 7, p50: 0, p90: 40 }, urgent: { count: 1, p50: 0, p90: 0 }, normal: { count: 6, p50: 0, p90: 40 } },
      byTier: [
        { tier: 'L1', assigned: 6, queueWait: { count: 6, p50: 0, p90: 40 } },
        { tier: 'L2', assigned: 2, queueWait: { count: 1, p50: 0, p90: 0 } },
        { tier: 'L3', assigned: 1, queueWait: none },
        { tier: 'contractor', assigned: 0, queueWait: none },
      ],
      members: [
        { memberId: 'agent-a', name: 'agent-a', role: 'agent', tier: 'L1', assigned: 3, maxOpen: 1 },
        { memberId: 'agent-b', name: 'agent-b', role: 'agent', tier: 'L1', assigned: 3, maxOpen: 1 },
        { memberId: 'lead-l', name: 'lead-l', role: 'lead', tier: 'L3', assigned: 1, maxOpen: 1 },
        { memberId: 'senior-s', name: 'senior-s', role: 'senior', tier: 'L2', assigned: 2, maxOpen: 1 },
      ],
    });
    // the week's 14 ticket events and the lead's hand are in the period; the roster's 4 registrations before it
    // (the marker that reserved the week, freshMonth, is on the topic but routing never took it in)
    expect(answer.replayed).toEqual({ eventsInPeriod: 15, eventsBefore: 4 });
  });

  it('adds members at `from`: an L1 agent takes the tickets that waited, a lead in place of one off duty takes the escalation', async () => {
    const actual = (await (await simulate({ ...week(), roster: { members: [] } })).json()).actual;
    const none = { count: 0, p50: null, p90: null };

    // PROPOSED: agent-c (agent, L1, capacity 1) joins at `from`, on duty; senior-s is named with the tier the role sits at
    // (accepted, and no change). agent-c is what agent-b on duty was in the first test, under another id:
    //   T1 01:00 -> agent-a (both empty, never assigned: member id a < c); T2 urgent 01:10 -> agent-c (wait 0, recorded 50);
    //   T3 01:20 queues; T1 resolved 02:00 -> T3 to agent-a (wait 40, recorded 100); T4 as recorded (senior-s, escalated
    //   to lead-l); day 1 T5 -> agent-c (last assigned day 0 01:10, agent-a 02:00); day 2 T6 -> agent-a, T7 01:05 ->
    //   agent-c (wait 0, recorded 60); 03:00 the lead's hand of T7 to senior-s is still legal.
    //   waits [0,0,40,0,0,0,0]: p50 0, p90 rank 7 -> 40; urgent [0]; normal [0,40,0,0,0,0]: p50 rank 3 -> 0, p90 rank 6 -> 40.
    const hire = await simulate({
      ...week(),
      roster: {
        members: [
          { memberId: 'senior-s', tier: 'L2' },
          { memberId: 'agent-c', role: 'agent', tier: 'L1', capacity: 1 },
        ],
      },
    });
    expect(hire.status).toBe(200);
    const hired = await hire.json();
    // as understood: by member id, the added member with every field
    expect(hired.proposal).toEqual({
      members: [
        { memberId: 'agent-c', role: 'agent', name: 'agent-c', tier: 'L1', capacity: 1, onDuty: true, skills: [], scenarios: [] },
        { memberId: 'senior-s', tier: 'L2' },
      ],
    });
    expect(hired.assumptions).toContainEqual(expect.stringContaining('A member the proposal adds (not on the roster by `to`) joins at `from`'));
    expect(hired.actual).toEqual(actual);
    expect(hired.proposed).toEqual({
      ...actual,
      queueWait: { all: { count: 7, p50: 0, p90: 40 }, urgent: { count: 1, p50: 0, p90: 0 }, normal: { count: 6, p50: 0, p90: 40 } },
      byTier: [
        { tier: 'L1', assigned: 6, queueWait: { count: 6, p50: 0, p90: 40 } },
        { tier: 'L2', assigned: 2, queueWait: { count: 1, p50: 0, p90: 0 } },
        { tier: 'L3', assigned: 1, queueWait: none },
        { tier: 'contractor', assigned: 0, queueWait: none },
      ],
      members: [
        { memberId: 'agent-a', name: 'agent-a', role: 'agent', tier: 'L1', assigned: 3, maxOpen: 1 },
        { memberId: 'agent-b', name: 'agent-b', role: 'agent', tier: 'L1', assigned: 0, maxOpen: 0 },
        { memberId: 'agent-c', name: 'agent-c', role: 'agent', tier: 'L1', assigned: 3, maxOpen: 1 },
        { memberId: 'lead-l', name: 'lead-l', role: 'lead', tier: 'L3', assigned: 1, maxOpen: 1 },
        { memberId: 'senior-s', name: 'senior-s', role: 'senior', tier: 'L2', assigned: 2, maxOpen: 1 },
      ],
    });

    // PROPOSED: lead-l off duty all week, lead-n (lead, L3, capacity 2, named) joins at `from`: everything as recorded
    // but T4's escalation L2 -> L3 at day 0 05:30, which goes to lead-n, the only L3 on duty (open until 06:00: peak 1)
    const replaced = await (
      await simulate({
        ...week(),
        roster: {
          members: [
            { memberId: 'lead-n', role: 'lead', tier: 'L3', capacity: 2, name: '新主管' },
            { memberId: 'lead-l', onDuty: false },
          ],
        },
      })
    ).json();
    expect(replaced.proposed).toEqual({
      ...actual,
      members: [
        ...actual.members.filter((m: { memberId: string }) => m.memberId !== 'lead-l'),
        { memberId: 'lead-l', name: 'lead-l', role: 'lead', tier: 'L3', assigned: 0, maxOpen: 0 },
        { memberId: 'lead-n', name: '新主管', role: 'lead', tier: 'L3', assigned: 1, maxOpen: 1 },
      ].sort((a, b) => (a.memberId < b.memberId ? -1 : 1)),
    });

    // added off duty: on the roster, handed nothing, the week as recorded
    const idle = await (await simulate({ ...week(), roster: { members: [{ memberId: 'agent-c', role: 'agent', tier: 'L1', capacity: 1, onDuty: false }] } })).json();
    expect(idle.proposed).toEqual({
      ...actual,
      members: [...actual.members, { memberId: 'agent-c', name: 'agent-c', role: 'agent', tier: 'L1', assigned: 0, maxOpen: 0 }].sort((a, b) => (a.memberId < b.memberId ? -1 : 1)),
    });
  });

  it('with no change, proposed is actual; a hand no longer legal is skipped and said so', async () => {
    const same = await (await simulate({ ...week(), roster: { members: [] } })).json();
    expect(same.proposed).toEqual(same.actual);
    // with senior-s off duty the hard T4 waits for an L2 until the recorded escalation request takes it to lead-l
    // (nobody held it: the request goes from the recorded tier), and the lead's hand of T7 to senior-s cannot be made
    const off = await (await simulate({ ...week(), roster: { members: [{ memberId: 'senior-s', onDuty: false }] } })).json();
    expect(off.proposed).toMatchObject({ manual: 0, manualSkipped: 1, escalations: 1, waitingAtEnd: 0 });
    expect(off.proposed.members.find((m: { memberId: string }) => m.memberId === 'senior-s')).toMatchObject({ assigned: 0, maxOpen: 0 });
  });

  it('changes no table of routing, publishes nothing and leaves no consumer group; the same request answers the same bytes', async () => {
    const before = await stableState();
    const body = {
      ...week(),
      roster: {
        members: [
          { memberId: 'agent-a', capacity: 3, skills: ['printer'] },
          { memberId: 'agent-b', onDuty: true },
        ],
      },
    };
    const [first, second] = [await simulate(body), await simulate(body)];
    expect([first.status, second.status]).toEqual([200, 200]);
    const [a, b] = [await first.text(), await second.text()];
    expect(a).toBe(b);
    const after = await state();
    expect(after.tables).toEqual(before.tables);
    // other tests may publish meanwhile: whatever was appended to a support topic is not about this week
    const ours = new Set([...Object.values(tickets), 'agent-a', 'agent-b', 'senior-s', 'lead-l']);
    for (const [topic, end] of Object.entries(after.ends)) {
      if (end === before.ends[topic]) continue;
      const { events } = await readRecordedEvents(admin, [topic], { groupPrefix: `${schema}.check.`, upTo: new Date(8.64e15), catalogue: eventCatalogue });
      const appended = events.filter((e) => BigInt(e.offset) >= BigInt(before.offsets[`${topic}/${e.partition}`] ?? '0'));
      expect(appended.filter((e) => ours.has(e.subject) || e.source === 'routing')).toEqual([]);
    }
    expect(after.groups.filter((g) => g.startsWith(`${schema}.`) && g.includes('simulation'))).toEqual([]);
  }, 120_000);

  it('refuses what it cannot replay with a 400 naming the field and the rule, and anyone but a lead', async () => {
    const refused = async (body: unknown) => {
      const response = await simulate(body);
      expect(response.status).toBe(400);
      return (await response.json()).message as string[];
    };
    // a member not on the roster is one the proposal adds: it needs what registration needs, each entry named
    expect(
      await refused({
        ...week(),
        roster: {
          members: [
            { memberId: 'agent-zhao', capacity: 2 },
            { memberId: 'agent-qian', role: 'agent', capacity: 2 },
            { memberId: 'agent-sun', role: 'agent', tier: 'L1' },
            { memberId: 'agent-a', capacity: 2 },
          ],
        },
      }),
    ).toEqual([
      'roster.members.0.role must be given for a member the proposal adds (agent-zhao is not on the roster by `to`)',
      'roster.members.1.tier must be given for a member the proposal adds (agent-qian is not on the roster by `to`)',
      'roster.members.2.capacity must be given for a member the proposal adds (agent-sun is not on the roster by `to`)',
    ]);
    expect(await refused({ ...week(), roster: { members: [{ memberId: 'contractor-zhou', role: 'contractor', tier: 'L1', capacity: 2 }] } })).toEqual([
      'roster.members.0: member contractor-zhou (contractor, added): scenarios: a contractor needs at least one fixed scenario on their whitelist (they take only those)',
    ]);
    expect(await refused({ ...week(), roster: { members: [{ memberId: 'senior-wu', role: 'senior', tier: 'L1', capacity: 2 }] } })).toEqual([
      'roster.members.0: member senior-wu (senior, added): tier must be L2 for role senior, not L1 (role and tier go together: agent L1, senior L2, lead L3, contractor L1)',
    ]);
    // a recorded member: the tier their role sits at only, and the role they registered with
    expect(await refused({ ...week(), roster: { members: [{ memberId: 'agent-a', tier: 'L2' }] } })).toEqual([
      'roster.members.0: member agent-a (agent): tier must be L1 for role agent, not L2 (role and tier go together: agent L1, senior L2, lead L3, contractor L1)',
    ]);
    expect(await refused({ ...week(), roster: { members: [{ memberId: 'agent-a', role: 'senior', tier: 'L2' }] } })).toEqual([
      'roster.members.0.role cannot change: member agent-a is on the roster as agent (a role is fixed at registration)',
    ]);
    expect(await refused({ ...week(), roster: { members: [{ memberId: 'agent-a', name: '阿A' }] } })).toEqual([
      'roster.members.0.name is only for a member the proposal adds: member agent-a is on the roster as "agent-a"',
    ]);
    expect(await refused({ ...week(), roster: { members: [{ memberId: 'agent-a', tier: 'L4' }] } })).toEqual([
      'roster.members.0.tier must be one of the following values: L1, L2, L3',
    ]);
    expect(await refused({ ...week(), roster: { members: [{ memberId: 'agent-a', capacity: 0 }] } })).toEqual(['roster.members.0.capacity must not be less than 1']);
    expect(await refused({ ...week(), roster: { members: [{ memberId: 'agent-a', scenarios: ['os-reinstall'] }] } })).toEqual([
      'roster.members.0: member agent-a (agent): scenarios: the scenario whitelist is only for contractors, a agent must have none',
    ]);
    expect(await refused({ ...week(), roster: { members: [{ memberId: 'agent-a' }, { memberId: 'agent-a', onDuty: true }] } })).toEqual([
      'roster.members must name each member at most once',
    ]);
    expect(await refused({ from: period.from.toISOString(), to: new Date(clock.now().getTime() + DAY).toISOString(), roster: { members: [] } })).toEqual([
      `to must not be in the future (now is ${clock.now().toISOString()})`,
    ]);
    expect(await refused({ ...week() })).toContain('roster should not be null or undefined');
    expect((await simulate({ ...week(), roster: { members: [] } }, null)).status).toBe(401);
    expect((await simulate({ ...week(), roster: { members: [] } }, await signTestToken(SECRET, { id: 'agent-a', role: 'agent' }))).status).toBe(403);
  });

  /** every table of routing's schema (a checksum each), every support topic's end offsets, every consumer group */
  async function state() {
    const tables: Array<{ table_name: string }> = await runtime.dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`,
      [schema],
    );
    const sums: Record<string, string> = {};
    for (const { table_name } of tables) {
      const [row] = await runtime.dataSource.query(
        `SELECT count(*)::text AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS sum FROM "${schema}"."${table_name}" t`,
      );
      sums[table_name] = `${row.n}:${row.sum}`;
    }
    const kafkaAdmin = admin.admin();
    await kafkaAdmin.connect();
    try {
      const topics = (await kafkaAdmin.listTopics()).filter((t) => t.startsWith('support.')).sort();
      const ends: Record<string, string> = {};
      const offsets: Record<string, string> = {};
      for (const topic of topics) {
        const partitions = await kafkaAdmin.fetchTopicOffsets(topic);
        ends[topic] = partitions.map((p) => `${p.partition}:${p.high}`).join(',');
        for (const p of partitions) offsets[`${topic}/${p.partition}`] = p.high;
      }
      const groups = (await kafkaAdmin.listGroups()).groups.map((g) => g.groupId);
      return { tables: sums, ends, offsets, groups };
    } finally {
      await kafkaAdmin.disconnect();
    }
  }

  /** the state once routing's own relay has published what the week decided (its checkpoint stops moving) */
  async function stableState() {
    let previous = await state();
    for (let i = 0; i < 30; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const now = await state();
      if (JSON.stringify(now.tables) === JSON.stringify(previous.tables)) return now;
      previous = now;
    }
    throw new Error('routing tables kept changing');
  }
});
