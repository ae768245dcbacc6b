import { randomUUID } from 'node:crypto';
import { openTestSchema } from '@support/test-kit';
import { routingMigrations } from '../src/persistence/routing.migrations';
import { RosterRepository } from '../src/persistence/roster.repository';
import { RoutedTicketsRepository } from '../src/persistence/routed-tickets.repository';

describe("routing's open-ticket counters on PostgreSQL", () => {
  let db: Awaited<ReturnType<typeof openTestSchema>>;
  let roster: RosterRepository;
  let tickets: RoutedTicketsRepository;

  beforeAll(async () => {
    db = await openTestSchema('rc', (schema) => routingMigrations(schema));
    roster = new RosterRepository(db.schema);
    tickets = new RoutedTicketsRepository(db.schema);
  });
  afterAll(() => db.drop());

  const member = (memberId: string) => ({
    memberId,
    role: 'agent' as const,
    name: memberId,
    tier: 'L1' as const,
    skills: [],
    scenarios: [],
    capacity: 5,
    onDuty: true,
    version: 1,
  });
  const received = async () => {
    const ticketId = randomUUID();
    await db.dataSource.transaction((m) => tickets.received(m, { ticketId, urgency: 'normal', receivedAt: '2026-12-06T09:00:00.000Z', triage: {} }));
    return ticketId;
  };
  /** the counters as the roster reads them, and as counting the open tickets gives them */
  const counts = async () => {
    const kept = Object.fromEntries((await roster.all(db.dataSource)).map((entry) => [entry.memberId, entry.openTickets]));
    const rows: Array<{ member_id: string; n: number }> = await db.dataSource.query(
      `SELECT m.member_id, count(t.ticket_id)::int AS n FROM "${db.schema}".members m
         LEFT JOIN "${db.schema}".routed_tickets t ON t.assignee_id = m.member_id AND t.status = 'open' GROUP BY m.member_id`,
    );
    return { kept, counted: Object.fromEntries(rows.map((row) => [row.member_id, row.n])) };
  };

  it('follows every assignment, change of hands, close and reopening, and a member who joins holding tickets', async () => {
    await db.dataSource.transaction(async (m) => {
      await roster.save(m, member('ann'));
      await roster.save(m, member('bob'));
    });
    const [first, second, third] = [await received(), await received(), await received()];
    await db.dataSource.transaction(async (m) => {
      await tickets.assign(m, first, 'ann', 'L1');
      await tickets.assign(m, second, 'ann', 'L1');
      await tickets.assign(m, third, 'cid', 'L1');
    });
    expect(await counts()).toEqual({ kept: { ann: 2, bob: 0 }, counted: { ann: 2, bob: 0 } });

    await db.dataSource.transaction(async (m) => {
      await tickets.assign(m, second, 'bob', 'L2');
      await tickets.waitForEscalation(m, first, 'too hard');
      await tickets.assign(m, first, 'ann', 'L1');
    });
    expect((await counts()).kept).toEqual({ ann: 1, bob: 1 });

    await db.dataSource.transaction((m) => tickets.done(m, first));
    await db.dataSource.transaction((m) => tickets.done(m, first));
    expect((await counts()).kept).toEqual({ ann: 0, bob: 1 });
    await db.dataSource.transaction((m) => tickets.reopen(m, first));
    await db.dataSource.transaction((m) => roster.save(m, member('cid')));
    await db.dataSource.transaction((m) => roster.save(m, { ...member('cid'), version: 2, capacity: 9 }));
    const after = await counts();
    expect(after.kept).toEqual({ ann: 1, bob: 1, cid: 1 });
    expect(after.kept).toEqual(after.counted);
  });
});
