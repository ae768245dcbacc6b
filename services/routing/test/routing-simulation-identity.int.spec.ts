import { openTestSchema, testMessagingClient } from '@support/test-kit';
import { freshMonth, liveRoutingMonth } from './support/routing-month';
import { replayRecord, RoutingSimulation } from '../src/application/routing-simulation.service';
import { routingMigrations } from '../src/persistence/routing.migrations';

// The identity test: a generated month decided by routing's LIVE engine (RoutingEngine.onTicketEvents,
// RosterService, assignManually, onScenario on PostgreSQL, a manual clock at each input's time) and
// published to Kafka; the what-if replay of that month with no proposal reads it back from the topics and
// routing's event store and must make the same decisions, decision by decision: for every ticket the same
// decisions (type, assignee, tier, mode, reason, time) in the same order, and so the same outcome.
// ROUTING_SIM_TICKETS sets the month's size (bench/routing-simulation.bench.ts runs 10,000).

const TICKETS = Number(process.env.ROUTING_SIM_TICKETS ?? 1500);

type Decision = { type: string; at: string; data: unknown };

/** JSON with object keys sorted (the store's jsonb keeps its own key order) */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );

describe('routing what-if: a proposal equal to the record replays the record', () => {
  let db: Awaited<ReturnType<typeof openTestSchema>>;

  afterAll(async () => {
    await db?.drop();
  });

  it(`gives every ticket of a generated month (${TICKETS} tickets) the decisions the live engine gave it`, async () => {
    db = await openTestSchema('rsim_identity', routingMigrations);
    const admin = testMessagingClient('routing-sim-identity');
    const period = await freshMonth(admin, `${db.schema}.`);
    const month = await liveRoutingMonth({ dataSource: db.dataSource, schema: db.schema, publisher: admin, period, tickets: TICKETS });

    const recordedRows: Array<{ stream_id: string; type: string; occurred_at: Date; data: unknown }> = await db.dataSource.query(
      `SELECT stream_id, type, occurred_at, data FROM "${db.schema}".events WHERE stream_type = 'ticket-routing' ORDER BY stream_id, version`,
    );
    const recorded = new Map<string, Decision[]>();
    for (const row of recordedRows) recorded.set(row.stream_id, [...(recorded.get(row.stream_id) ?? []), { type: row.type, at: row.occurred_at.toISOString(), data: row.data }]);

    // the replay reads the month as routing's service does: the topics as routing's principal, its own store
    const simulation = new RoutingSimulation(db.dataSource, testMessagingClient('routing-sim-identity-reader', { principal: 'routing' }), db.schema);
    const read = await simulation.read(period.to);
    const { replay } = await replayRecord(read, { members: [] }, period);
    // every event published (and taken in by routing's groups) is read back: a valid catalogue event
    expect(read.consumed).toHaveLength(month.published);
    const replayed = new Map<string, Decision[]>();
    for (const d of replay.decisions) replayed.set(d.ticketId, [...(replayed.get(d.ticketId) ?? []), { type: d.type, at: d.at, data: d.data }]);

    // the month exercised every kind of decision, by hand too, and queued tickets
    const all = [...recorded.values()].flat();
    const kinds = (type: string) => all.filter((d) => d.type === type).length;
    expect(recorded.size).toBeGreaterThanOrEqual(TICKETS * 0.95);
    expect(kinds('support.routing.escalation-decided.v1')).toBeGreaterThan(0);
    expect(kinds('support.routing.ticket-queued.v1')).toBeGreaterThan(TICKETS * 0.05);
    expect(all.filter((d) => (d.data as { mode?: string }).mode === 'manual').length).toBeGreaterThan(0);
    expect(all.filter((d) => (d.data as { assignee?: { role: string } }).assignee?.role === 'contractor').length).toBeGreaterThan(0);
    expect(replay.skipped).toEqual([]);

    // decision by decision, ticket by ticket (the first difference named, not a diff of thousands)
    const tickets = [...new Set([...recorded.keys(), ...replayed.keys()])].sort();
    const differing = tickets.filter((id) => canonical(recorded.get(id)) !== canonical(replayed.get(id)));
    if (differing.length > 0) {
      const id = differing[0];
      expect({ ticket: id, of: differing.length, replayed: replayed.get(id) }).toEqual({ ticket: id, of: 0, replayed: recorded.get(id) });
    }
    expect(replay.decisions).toHaveLength(all.length);

    // and measured by the one outcome function, actual and proposed are the same
    const answer = await simulation.simulate(period, { members: [] });
    if (!answer.ok) throw new Error(answer.problems.join('; '));
    expect(answer.answer.proposed).toEqual(answer.answer.actual);
    expect(answer.answer.actual.tickets).toBeGreaterThan(TICKETS * 0.9);
    console.log(
      `identity month: ${month.tickets} tickets, ${month.liveInputs} live inputs in ${month.liveMs} ms, ${all.length} decisions, replayed ${JSON.stringify(answer.answer.replayed)}`,
    );
  }, 600_000);
});
