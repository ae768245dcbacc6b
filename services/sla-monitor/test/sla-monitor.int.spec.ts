import { randomUUID } from 'node:crypto';
import { dropTestSchema, ManualClock, serviceDatabase, uniqueSchemaName, serviceKafka } from '@support/test-kit';
import { rebuildClockTable } from '../src/projections/clock-table.rebuild';
import { SlaMonitor } from '../src/application/sla-monitor.service';
import { SlaMonitorRuntime, startSlaMonitorRuntime } from '../src/sla-monitor.providers';

// the monitor on real PostgreSQL (and Kafka for its relay), fed ticket events directly; time is a ManualClock
describe('sla-monitor clocks on PostgreSQL', () => {
  const schema = uniqueSchemaName('sla');
  const clock = new ManualClock(new Date('2026-11-23T02:00:00.000Z')); // 10:00 in Shanghai, a Monday
  let runtime: SlaMonitorRuntime;
  const start = () =>
    startSlaMonitorRuntime(
      { ...serviceDatabase('sla-monitor'), ...serviceKafka('sla-monitor'), schema, clock, tickIntervalMs: null, consumeFromBeginning: false },
      () => undefined,
    );

  beforeAll(async () => {
    runtime = await start();
  });
  afterAll(async () => {
    await runtime?.close();
    await dropTestSchema(schema);
  });

  const feed = (type: string, data: Record<string, unknown>, occurredAt: Date) =>
    runtime.dataSource.transaction((manager) => runtime.monitor.onEvent(manager, { id: randomUUID(), type, data, occurredAt }));
  const clockEvents = async (ticketId: string) =>
    (await runtime.dataSource.query(`SELECT type, data FROM "${schema}".events WHERE data->>'ticketId' = $1 ORDER BY global_position`, [ticketId])) as Array<{
      type: string;
      data: { ruleId: string; action?: string };
    }>;
  const ofRule = async (ticketId: string, ruleId: string) => (await clockEvents(ticketId)).filter((e) => e.data.ruleId === ruleId).map((e) => e.type.replace('support.sla.', ''));

  async function urgentTicketAssignedAt(at: Date): Promise<string> {
    const ticketId = randomUUID();
    const requestedAt = new Date(at.getTime() - 5 * 60_000).toISOString();
    await feed('support.ticket.received.v1', { ticketId, urgency: 'urgent', requestedAt, receivedAt: at.toISOString() }, at);
    await feed('support.ticket.assigned.v1', { ticketId, assignee: { id: 'agent-1', role: 'agent' }, tier: 'L1' }, at);
    return ticketId;
  }

  it('meets the hand-over clock on assignment and warns then breaches first contact of an urgent ticket, asking to escalate', async () => {
    const assignedAt = clock.now();
    const ticketId = await urgentTicketAssignedAt(assignedAt);
    expect(await ofRule(ticketId, 'hand-over')).toEqual(['clock-started.v1', 'clock-met.v1']);
    expect(await ofRule(ticketId, 'first-contact')).toEqual(['clock-started.v1']);

    const clocks = await runtime.clocks.ofTicket(runtime.dataSource, ticketId);
    const firstContact = clocks.find((c) => c.ruleId === 'first-contact')!;
    expect(firstContact.dueAt).toBe(new Date(assignedAt.getTime() + 30 * 60_000).toISOString());
    expect(firstContact.warnAt).toBe(new Date(assignedAt.getTime() + 24 * 60_000).toISOString());

    clock.set(new Date(assignedAt.getTime() + 23 * 60_000));
    await runtime.monitor.runDue();
    expect(await ofRule(ticketId, 'first-contact')).toEqual(['clock-started.v1']);

    clock.set(new Date(assignedAt.getTime() + 24 * 60_000));
    await runtime.monitor.runDue();
    expect(await ofRule(ticketId, 'first-contact')).toEqual(['clock-started.v1', 'clock-warned.v1']);

    clock.set(new Date(assignedAt.getTime() + 31 * 60_000));
    await runtime.monitor.runDue();
    await runtime.monitor.runDue();
    const events = (await clockEvents(ticketId)).filter((e) => e.data.ruleId === 'first-contact');
    expect(events.map((e) => e.type)).toEqual(['support.sla.clock-started.v1', 'support.sla.clock-warned.v1', 'support.sla.clock-breached.v1']);
    expect(events[2].data.action).toBe('escalate');
  });

  it('stops first contact as met when the customer is contacted in time, and the clock never fires afterwards', async () => {
    const assignedAt = clock.now();
    const ticketId = await urgentTicketAssignedAt(assignedAt);
    await feed(
      'support.ticket.contacted.v1',
      { ticketId, channel: 'phone', contactedAt: new Date(assignedAt.getTime() + 10 * 60_000).toISOString() },
      new Date(assignedAt.getTime() + 10 * 60_000),
    );
    clock.set(new Date(assignedAt.getTime() + 120 * 60_000));
    await runtime.monitor.runDue();
    expect(await ofRule(ticketId, 'first-contact')).toEqual(['clock-started.v1', 'clock-met.v1']);
  });

  it('meets the remote-fix sheet clock at once when the sheet reached the monitor before the resolution, and never breaches it', async () => {
    const ticketId = randomUUID();
    const sheetAt = clock.now();
    const resolvedAt = new Date(sheetAt.getTime() + 2 * 60_000);
    // field-service's topic ran ahead of intake's: the stop is kept until its clock starts
    await feed('support.sheet.submitted.v1', { sheetId: randomUUID(), ticketId, kind: 'remote', submittedAt: sheetAt.toISOString() }, sheetAt);
    expect(await ofRule(ticketId, 'remote-fix-sheet')).toEqual([]);
    await feed('support.ticket.resolved.v1', { ticketId, resolution: 'driver reinstalled', remote: true }, resolvedAt);
    expect(await ofRule(ticketId, 'remote-fix-sheet')).toEqual(['clock-started.v1', 'clock-met.v1']);
    clock.set(new Date(resolvedAt.getTime() + 30 * 60_000));
    await runtime.monitor.runDue();
    expect(await ofRule(ticketId, 'remote-fix-sheet')).toEqual(['clock-started.v1', 'clock-met.v1']);
  });

  it('fires many due clocks in batches, and a clock that cannot fire holds none of the others back', async () => {
    const assignedAt = clock.now();
    const tickets: string[] = [];
    for (let i = 0; i < 130; i++) tickets.push(await urgentTicketAssignedAt(assignedAt));
    // a broken clock, due first: its stream holds another clock's start, so deciding on it throws
    const [good] = await runtime.clocks.ofTicket(runtime.dataSource, tickets[0]).then((rows) => rows.filter((c) => c.ruleId === 'first-contact'));
    const broken = `broken-${randomUUID()}`;
    await runtime.dataSource.query(
      `INSERT INTO "${schema}".events (event_id, stream_id, stream_type, version, type, data, metadata, occurred_at, prev_hash, hash)
       SELECT gen_random_uuid(), $1, stream_type, 1, type, data, metadata, occurred_at, prev_hash, hash FROM "${schema}".events WHERE stream_id = $2 AND version = 1`,
      [broken, good.clockId],
    );
    await runtime.dataSource.query(
      `INSERT INTO "${schema}".clocks (clock_id, rule_id, subject_type, subject_id, ticket_id, status, time_basis, started_at, due_at, warn_at, warned, breached, next_tick_at, version)
       SELECT $1, rule_id, subject_type, $1, NULL, status, time_basis, started_at, due_at, warn_at, warned, breached, next_tick_at - interval '1 hour', 1 FROM "${schema}".clocks WHERE clock_id = $2`,
      [broken, good.clockId],
    );
    const failures: string[] = [];
    const reporting = new SlaMonitor(runtime.dataSource, runtime.pipeline, runtime.clocks, clock, runtime.settings, (clockId) => failures.push(clockId));
    clock.set(new Date(assignedAt.getTime() + 45 * 60_000));
    await reporting.runDue();
    for (const ticketId of tickets.slice(1)) expect(await ofRule(ticketId, 'first-contact')).toEqual(['clock-started.v1', 'clock-breached.v1']);
    expect((await runtime.monitor.clockHistory(good.clockId)).map((e) => e.type)).toEqual(['support.sla.clock-started.v1', 'support.sla.clock-breached.v1']);
    expect(failures).toEqual([broken]);
    const [{ next_tick_at }] = await runtime.dataSource.query(`SELECT next_tick_at FROM "${schema}".clocks WHERE clock_id = $1`, [broken]);
    expect(next_tick_at).not.toBeNull(); // left due, tried again next time
  });

  it('records exactly one breach when monitors race at the deadline and one restarts around it', async () => {
    const assignedAt = clock.now();
    const ticketId = await urgentTicketAssignedAt(assignedAt);
    clock.set(new Date(assignedAt.getTime() + 45 * 60_000));
    const second = await start();
    try {
      await Promise.all([runtime.monitor.runDue(), second.monitor.runDue(), runtime.monitor.runDue()]);
    } finally {
      await second.close();
    }
    // the first monitor "restarts": a new runtime on the same schema looks again
    await runtime.close();
    runtime = await start();
    await runtime.monitor.runDue();
    expect((await ofRule(ticketId, 'first-contact')).filter((t) => t === 'clock-breached.v1')).toHaveLength(1);
  });
});

describe('the clock table', () => {
  const schema = uniqueSchemaName('sla_rebuild');
  const clock = new ManualClock(new Date('2026-11-23T02:00:00.000Z'));
  let runtime: SlaMonitorRuntime;

  beforeAll(async () => {
    runtime = await startSlaMonitorRuntime(
      { ...serviceDatabase('sla-monitor'), ...serviceKafka('sla-monitor'), schema, clock, tickIntervalMs: null, consumeFromBeginning: false },
      () => undefined,
    );
  });
  afterAll(async () => {
    await runtime?.close();
    await dropTestSchema(schema);
  });

  it('is rebuilt from the clock streams with the same rows', async () => {
    const feed = (type: string, data: Record<string, unknown>, occurredAt: Date) =>
      runtime.dataSource.transaction((manager) => runtime.monitor.onEvent(manager, { id: randomUUID(), type, data, occurredAt }));
    for (let i = 0; i < 5; i++) {
      const ticketId = randomUUID();
      const at = clock.now();
      await feed('support.ticket.received.v1', { ticketId, urgency: i % 2 ? 'urgent' : 'normal', requestedAt: at.toISOString() }, at);
      await feed('support.ticket.assigned.v1', { ticketId, assignee: { id: 'agent-1', role: 'agent' }, tier: 'L1' }, at);
      if (i === 0) await feed('support.ticket.contacted.v1', { ticketId, channel: 'phone' }, at);
      clock.advanceMinutes(7);
    }
    await runtime.monitor.runDue();
    const table = `"${schema}".clocks`;
    const rows = () => runtime.dataSource.query(`SELECT * FROM ${table} ORDER BY clock_id`);
    const before = await rows();
    expect(before.length).toBeGreaterThanOrEqual(10);
    await runtime.dataSource.query(`DELETE FROM ${table}`);
    expect(await rebuildClockTable(runtime.dataSource, schema, runtime.store, runtime.clocks)).toBe(before.length);
    expect(await rows()).toEqual(before);
  });
});
