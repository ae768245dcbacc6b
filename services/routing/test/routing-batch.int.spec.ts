import { randomUUID } from 'node:crypto';
import { AppendPipeline } from '@support/command-handling';
import { Cause, Clock, eventCatalogue, MemberRole, Tier, TicketEvent } from '@support/contracts';
import { EventStore } from '@support/event-store';
import { openTestSchema } from '@support/test-kit';
import { RoutingEngine } from '../src/application/routing-engine';
import { RosterRepository } from '../src/persistence/roster.repository';
import { RoutedTicketsRepository } from '../src/persistence/routed-tickets.repository';
import { routingMigrations } from '../src/persistence/routing.migrations';
import { ScenarioCatalogueRepository } from '../src/persistence/scenario-catalogue.repository';

// A batch of ticket events decided in one transaction must decide what the same events decide one
// transaction each, in the same order: the same decisions for every ticket, with the same causes and
// times, and the same working tables after. The events are a seeded mix of every kind routing acts on.

type Schema = Awaited<ReturnType<typeof openTestSchema>>;
type Consumed = { event: TicketEvent; cause: Cause };

const START = Date.parse('2026-12-07T01:00:00.000Z');

/** a clock one second further on each time it is read, so each run's n-th decision time is the same */
class TickingClock implements Clock {
  private ticks = 0;
  now(): Date {
    return new Date(START + 1000 * this.ticks++);
  }
}

/** a small seeded generator (mulberry32): the same mix of events on every run */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ROSTER: Array<{ memberId: string; role: MemberRole; tier: Tier; skills: string[]; scenarios: string[]; capacity: number; onDuty: boolean }> = [
  { memberId: 'agent-a', role: 'agent', tier: 'L1', skills: ['network'], scenarios: [], capacity: 3, onDuty: true },
  { memberId: 'agent-b', role: 'agent', tier: 'L1', skills: ['printer'], scenarios: [], capacity: 3, onDuty: true },
  { memberId: 'agent-c', role: 'agent', tier: 'L1', skills: [], scenarios: [], capacity: 2, onDuty: true },
  { memberId: 'agent-off', role: 'agent', tier: 'L1', skills: ['network'], scenarios: [], capacity: 5, onDuty: false },
  { memberId: 'senior-a', role: 'senior', tier: 'L2', skills: ['network', 'printer'], scenarios: [], capacity: 2, onDuty: true },
  { memberId: 'senior-b', role: 'senior', tier: 'L2', skills: [], scenarios: [], capacity: 2, onDuty: true },
  { memberId: 'lead-a', role: 'lead', tier: 'L3', skills: [], scenarios: [], capacity: 2, onDuty: true },
  { memberId: 'contractor-a', role: 'contractor', tier: 'L1', skills: [], scenarios: ['printer-driver-reinstall', 'os-reinstall'], capacity: 2, onDuty: true },
];

const TRIAGES = [
  undefined,
  { faultCategory: 'network' },
  { faultCategory: 'printer' },
  { faultCategory: 'hardware', difficulty: 'hard' },
  { faultCategory: 'printer', scenario: 'printer-driver-reinstall', difficulty: 'fixed-scenario' },
  { scenario: 'os-reinstall' },
  { faultCategory: 'network', scenario: 'router-reset' },
];

/**
 * Ticket events as intake would publish them, in one partition's order: arrivals (a few twice), closes,
 * resolutions and cancellations, escalation requests from every tier, reopenings, and (with `confirmations`)
 * confirmations that often name someone else than routing chose (as a lead's hand in intake would); some
 * about tickets routing never saw.
 */
function ticketEvents(count: number, { seed, confirmations }: { seed: number; confirmations: boolean }): Consumed[] {
  const random = seeded(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const tickets: string[] = [];
  const some = () => (tickets.length === 0 || random() < 0.05 ? randomUUID() : pick(tickets));
  const events: Consumed[] = [];
  for (let i = 0; i < count; i++) {
    const roll = random();
    let event: { type: string; data: Record<string, unknown> };
    if (roll < 0.4 || tickets.length < 5) {
      const ticketId = tickets.length > 0 && random() < 0.03 ? pick(tickets) : randomUUID();
      const triage = pick(TRIAGES);
      tickets.push(ticketId);
      event = {
        type: 'support.ticket.received.v1',
        data: { ticketId, urgency: random() < 0.3 ? 'urgent' : 'normal', receivedAt: new Date(START - 3_600_000 + i * 1000).toISOString(), ...(triage ? { triage } : {}) },
      };
    } else if (roll < 0.58) {
      event = { type: pick(['support.ticket.closed.v1', 'support.ticket.resolved.v1', 'support.ticket.cancelled.v1']), data: { ticketId: some(), reason: 'done' } };
    } else if (roll < 0.7) {
      event = { type: 'support.ticket.escalation-requested.v1', data: { ticketId: some(), fromTier: pick(['L1', 'L1', 'L2', 'L3']), reason: 'needs the next tier' } };
    } else if (roll < 0.78 || !confirmations) {
      event = { type: 'support.ticket.reopened.v1', data: { ticketId: some(), reason: 'it broke again' } };
    } else if (roll < 0.9) {
      const member = pick(ROSTER.filter((m) => m.role !== 'contractor'));
      event = { type: 'support.ticket.assigned.v1', data: { ticketId: some(), assignee: { id: member.memberId, role: member.role, name: member.memberId }, tier: member.tier } };
    } else if (roll < 0.95) {
      const member = pick(ROSTER.filter((m) => m.role === 'senior' || m.role === 'lead'));
      event = {
        type: 'support.ticket.escalated.v1',
        data: { ticketId: some(), fromTier: 'L1', toTier: member.tier, assignee: { id: member.memberId, role: member.role, name: member.memberId }, reason: 'by hand' },
      };
    } else {
      event = {
        type: 'support.ticket.dispatched-to-contractor.v1',
        data: { ticketId: some(), assignee: { id: 'contractor-a', role: 'contractor', name: 'contractor-a' }, scenario: 'os-reinstall' },
      };
    }
    const id = randomUUID();
    events.push({ event: event as unknown as TicketEvent, cause: { actor: { id: 'routing', role: 'service' }, causationId: id, correlationId: id } });
  }
  return events;
}

describe('routing: a batch of ticket events in one transaction decides what one transaction per event decides', () => {
  const schemas: Schema[] = [];

  afterAll(async () => {
    for (const schema of schemas) await schema.drop();
  });

  /** a routing schema with the roster and the scenario catalogue, and an engine on it */
  async function routing(name: string): Promise<{ db: Schema; engine: RoutingEngine }> {
    const db = await openTestSchema(name, (schema) => routingMigrations(schema));
    schemas.push(db);
    const roster = new RosterRepository(db.schema);
    const scenarios = new ScenarioCatalogueRepository(db.schema);
    await db.dataSource.transaction(async (m) => {
      for (const member of ROSTER) await roster.save(m, { ...member, name: member.memberId, version: 1 });
      await scenarios.save(m, { scenarioId: 'printer-driver-reinstall', faultCategory: 'printer', fixed: true }, 1);
      await scenarios.save(m, { scenarioId: 'router-reset', faultCategory: 'network', fixed: false }, 1);
    });
    const engine = new RoutingEngine(
      db.schema,
      new AppendPipeline(new EventStore(db.schema, eventCatalogue)),
      roster,
      new RoutedTicketsRepository(db.schema),
      scenarios,
      new TickingClock(),
    );
    return { db, engine };
  }

  /** every ticket's decisions in stream order (type, data, cause, time), and routing's tables */
  async function outcome(db: Schema) {
    const streams = await new EventStore(db.schema).readStreamsOfType(db.dataSource, 'ticket-routing');
    const decisions = Object.fromEntries(
      [...streams].map(([ticketId, events]) => [
        ticketId,
        events.map((e) => ({ type: e.type, data: e.data, at: e.occurredAt.toISOString(), actor: e.metadata.actor, causationId: e.metadata.causationId })),
      ]),
    );
    const tickets = await db.dataSource.query(`SELECT ticket_id, status, waiting_for, escalation_reason, assignee_id, tier FROM "${db.schema}".routed_tickets ORDER BY ticket_id`);
    const members = await db.dataSource.query(`SELECT member_id, open_tickets, assigned_count, last_assigned_at FROM "${db.schema}".members ORDER BY member_id`);
    return { decisions, tickets, members };
  }

  /** the events in transactions of `size` (the whole list in one when undefined) */
  async function decide(target: { db: Schema; engine: RoutingEngine }, events: Consumed[], size = events.length): Promise<void> {
    for (let i = 0; i < events.length; i += size) {
      await target.db.dataSource.transaction((m) => target.engine.onTicketEvents(m, events.slice(i, i + size)));
    }
  }

  // without confirmations a table change the round does not follow stays in the way of every later step
  it.each([
    ['with confirmations', { seed: 22, confirmations: true }],
    ['without confirmations', { seed: 7, confirmations: false }],
  ])('gives every ticket the same decisions, causes and times, and leaves the same queue, assignees and loads (%s)', async (_, mix) => {
    const events = ticketEvents(300, mix);
    const [oneByOne, inChunks, inOne] = [await routing('rb1'), await routing('rb7'), await routing('rball')];
    await decide(oneByOne, events, 1);
    await decide(inChunks, events, 7);
    await decide(inOne, events);

    const expected = await outcome(oneByOne.db);
    // the mix exercised every kind of decision, and left work both waiting and held
    const types = Object.values(expected.decisions)
      .flat()
      .map((d) => d.type);
    for (const type of ['support.routing.assignment-decided.v1', 'support.routing.escalation-decided.v1', 'support.routing.ticket-queued.v1']) expect(types).toContain(type);
    expect(
      Object.values(expected.decisions)
        .flat()
        .filter((d) => d.type === 'support.routing.assignment-decided.v1' && (d.data as { scenario?: string }).scenario),
    ).not.toHaveLength(0);
    expect(expected.tickets.filter((t: { waiting_for: string | null }) => t.waiting_for === 'escalation')).not.toHaveLength(0);
    expect(expected.tickets.filter((t: { waiting_for: string | null }) => t.waiting_for === 'assignment')).not.toHaveLength(0);
    expect(types.length).toBeGreaterThan(100);

    expect(await outcome(inChunks.db)).toEqual(expected);
    expect(await outcome(inOne.db)).toEqual(expected);
  });

  it('decides nothing for a batch that brings nothing routing acts on, and takes no round for confirmations alone', async () => {
    const target = await routing('rbnone');
    const rounds = jest.spyOn(target.engine.rosterRepository, 'all');
    const id = randomUUID();
    const cause: Cause = { actor: { id: 'routing', role: 'service' }, causationId: id, correlationId: id };
    await target.db.dataSource.transaction((m) =>
      target.engine.onTicketEvents(m, [
        { event: { type: 'support.ticket.contacted.v1', data: { ticketId: randomUUID() } } as unknown as TicketEvent, cause },
        {
          event: { type: 'support.ticket.assigned.v1', data: { ticketId: randomUUID(), assignee: { id: 'agent-a', role: 'agent', name: 'agent-a' }, tier: 'L1' } } as TicketEvent,
          cause,
        },
      ]),
    );
    expect(rounds).not.toHaveBeenCalled();
    expect((await outcome(target.db)).decisions).toEqual({});
  });
});
