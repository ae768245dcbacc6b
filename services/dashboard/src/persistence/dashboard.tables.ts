import { createHash } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { qualified, SqlExecutor } from '@support/event-store';
import { ConsumedEvent } from '@support/messaging';
import { cursorShape, Page, pageOf, PageRequest, rowsToRead, SortKey } from '@support/service-kit';
import { ClockRow, Deadline, DepthChange, KpiEvent, LeadRow, MemberRow, OPEN_STAGES, QueueRow } from '../domain';

/** A ticket event in a customer's timeline: which customer and ticket; the event itself is among the KPI events. */
export interface TimelineEntry {
  eventId: string;
  customerId: string;
  ticketId: string;
  at: string;
}

/** The live queue's sort key: urgent first (`later` false), then oldest (unknown: last), then id. */
export const QUEUE_CURSOR = cursorShape({ later: 'boolean', receivedAt: 'time?', ticketId: 'uuid' });
/** The SLA board's sort key: soonest due first, then id. */
export const BOARD_CURSOR = cursorShape({ dueAt: 'time', clockId: 'text' });
/** The team's sort key: by member id. */
export const MEMBER_CURSOR = cursorShape({ memberId: 'text' });

/** the projection tables a rebuild empties (its runtime role may TRUNCATE these and no others) */
export const PROJECTION_TABLES = ['queue', 'sla_board', 'timeline', 'kpi_events', 'members', 'leads', 'queue_depth'] as const;

/** The dashboard's projection tables: writes from the projector, reads for the API. */
export class DashboardTables {
  private readonly queue: string;
  private readonly board: string;
  private readonly timeline: string;
  private readonly kpi: string;
  private readonly members: string;
  private readonly leads: string;
  private readonly depth: string;

  constructor(private readonly schema: string) {
    this.queue = qualified(schema, 'queue');
    this.board = qualified(schema, 'sla_board');
    this.timeline = qualified(schema, 'timeline');
    this.kpi = qualified(schema, 'kpi_events');
    this.members = qualified(schema, 'members');
    this.leads = qualified(schema, 'leads');
    this.depth = qualified(schema, 'queue_depth');
  }

  /** the queue rows of these tickets, by id */
  async tickets(executor: SqlExecutor, ticketIds: string[]): Promise<Map<string, QueueRow>> {
    const rows = await executor.query(`SELECT * FROM ${this.queue} WHERE ticket_id = ANY($1::uuid[])`, [ticketIds]);
    return new Map(rows.map((r: Record<string, unknown>) => [r.ticket_id, toQueueRow(r)]));
  }

  async saveTickets(manager: EntityManager, rows: QueueRow[]): Promise<void> {
    if (rows.length === 0) return;
    await manager.query(
      `INSERT INTO ${this.queue} (ticket_id, customer_id, state, urgency, channel, device_model, tier, assignee_id, assignee_role, received_at, changed_at)
       SELECT "ticketId", "customerId", state, urgency, channel, "deviceModel", tier, assignee->>'id', assignee->>'role', "receivedAt", "changedAt"
         FROM jsonb_to_recordset($1::jsonb) AS r("ticketId" uuid, "customerId" uuid, state text, urgency text, channel text, "deviceModel" text, tier text, assignee jsonb, "receivedAt" timestamptz, "changedAt" timestamptz)
       ON CONFLICT (ticket_id) DO UPDATE SET customer_id = excluded.customer_id, state = excluded.state, urgency = excluded.urgency, channel = excluded.channel,
         device_model = excluded.device_model, tier = excluded.tier, assignee_id = excluded.assignee_id, assignee_role = excluded.assignee_role,
         received_at = excluded.received_at, changed_at = excluded.changed_at`,
      [JSON.stringify(rows)],
    );
  }

  /** the board's rows of these clocks, by id */
  async clocks(executor: SqlExecutor, clockIds: string[]): Promise<Map<string, ClockRow>> {
    const rows = await executor.query(`SELECT * FROM ${this.board} WHERE clock_id = ANY($1::text[])`, [clockIds]);
    return new Map(rows.map((r: Record<string, unknown>) => [r.clock_id, toClockRow(r)]));
  }

  async saveClocks(manager: EntityManager, rows: ClockRow[]): Promise<void> {
    if (rows.length === 0) return;
    await manager.query(
      `INSERT INTO ${this.board} (clock_id, ticket_id, rule_id, status, due_at, warn_at, warned, breached, changed_at)
       SELECT "clockId", "ticketId", "ruleId", status, "dueAt", "warnAt", warned, breached, "changedAt"
         FROM jsonb_to_recordset($1::jsonb) AS r("clockId" text, "ticketId" uuid, "ruleId" text, status text, "dueAt" timestamptz, "warnAt" timestamptz, warned boolean, breached boolean, "changedAt" timestamptz)
       ON CONFLICT (clock_id) DO UPDATE SET ticket_id = excluded.ticket_id, rule_id = excluded.rule_id, status = excluded.status, due_at = excluded.due_at,
         warn_at = excluded.warn_at, warned = excluded.warned, breached = excluded.breached, changed_at = excluded.changed_at`,
      [JSON.stringify(rows)],
    );
  }

  /** the roster rows of these members, by id */
  async membersById(executor: SqlExecutor, memberIds: string[]): Promise<Map<string, MemberRow>> {
    const rows = await executor.query(`SELECT * FROM ${this.members} WHERE member_id = ANY($1::text[])`, [memberIds]);
    return new Map(rows.map((r: Record<string, unknown>) => [r.member_id, toMemberRow(r)]));
  }

  async saveMembers(manager: EntityManager, rows: MemberRow[]): Promise<void> {
    if (rows.length === 0) return;
    await manager.query(
      `INSERT INTO ${this.members} (member_id, name, role, changed_at)
       SELECT "memberId", name, role, "changedAt" FROM jsonb_to_recordset($1::jsonb) AS r("memberId" text, name text, role text, "changedAt" timestamptz)
       ON CONFLICT (member_id) DO UPDATE SET name = excluded.name, role = excluded.role, changed_at = excluded.changed_at`,
      [JSON.stringify(rows)],
    );
  }

  /** a page of the members the roster topic named, by id */
  async membersPage(executor: SqlExecutor, page: PageRequest<SortKey<typeof MEMBER_CURSOR>>): Promise<Page<MemberRow>> {
    const rows = await executor.query(`SELECT * FROM ${this.members} WHERE ($1::text IS NULL OR member_id > $1) ORDER BY member_id LIMIT $2`, [
      page.after?.memberId ?? null,
      rowsToRead(page),
    ]);
    return pageOf(rows.map(toMemberRow), page, (member) => ({ memberId: member.memberId }));
  }

  /** every member the roster topic named, by id */
  async allMembers(executor: SqlExecutor): Promise<MemberRow[]> {
    const rows = await executor.query(`SELECT * FROM ${this.members} ORDER BY member_id`);
    return rows.map(toMemberRow);
  }

  /** the rows of these leads, by id */
  async leadsById(executor: SqlExecutor, leadIds: string[]): Promise<Map<string, LeadRow>> {
    const rows = await executor.query(`SELECT * FROM ${this.leads} WHERE lead_id = ANY($1::uuid[])`, [leadIds]);
    return new Map(rows.map((r: Record<string, unknown>) => [r.lead_id, toLeadRow(r)]));
  }

  async saveLeads(manager: EntityManager, rows: LeadRow[]): Promise<void> {
    if (rows.length === 0) return;
    await manager.query(
      `INSERT INTO ${this.leads} (lead_id, status, pooled_since, changed_at)
       SELECT "leadId", status, "pooledSince", "changedAt" FROM jsonb_to_recordset($1::jsonb) AS r("leadId" uuid, status text, "pooledSince" timestamptz, "changedAt" timestamptz)
       ON CONFLICT (lead_id) DO UPDATE SET status = excluded.status, pooled_since = excluded.pooled_since, changed_at = excluded.changed_at`,
      [JSON.stringify(rows)],
    );
  }

  /** how many leads wait in the pool, and since when the longest-waiting one has */
  async leadPool(executor: SqlExecutor): Promise<{ waiting: number; oldestWaitingSince: string | null }> {
    const [row] = await executor.query(`SELECT count(*)::int AS waiting, min(pooled_since) AS oldest FROM ${this.leads} WHERE status = 'pooled'`);
    return { waiting: row.waiting, oldestWaitingSince: row.oldest ? (row.oldest as Date).toISOString() : null };
  }

  async addToTimeline(manager: EntityManager, entries: TimelineEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await manager.query(
      `INSERT INTO ${this.timeline} (event_id, customer_id, ticket_id, at)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::timestamptz[])
       ON CONFLICT (event_id) DO NOTHING`,
      [entries.map((e) => e.eventId), entries.map((e) => e.customerId), entries.map((e) => e.ticketId), entries.map((e) => e.at)],
    );
  }

  async keepKpiEvents(manager: EntityManager, events: ConsumedEvent[]): Promise<void> {
    if (events.length === 0) return;
    await manager.query(
      `INSERT INTO ${this.kpi} (event_id, type, at, actor, data, stream_version)
       SELECT id, type, time, actor, data, "streamVersion" FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, type text, time timestamptz, actor jsonb, data jsonb, "streamVersion" integer)
       ON CONFLICT (event_id) DO NOTHING`,
      [JSON.stringify(events.map(({ id, type, time, actor, data, streamVersion }) => ({ id, type, time, actor, data, streamVersion })))],
    );
  }

  /** the queue's depth changes, one per ticket event that moved a ticket into or out of the open stages */
  async recordDepthChanges(manager: EntityManager, changes: Array<DepthChange & { eventId: string }>): Promise<void> {
    if (changes.length === 0) return;
    await manager.query(`INSERT INTO ${this.depth} (event_id, at, delta) SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::smallint[]) ON CONFLICT (event_id) DO NOTHING`, [
      changes.map((c) => c.eventId),
      changes.map((c) => c.at),
      changes.map((c) => c.delta),
    ]);
  }

  /** the queue's depth before `from` (the sum of the changes), and the changes from then on, in time order */
  async depthChangesSince(executor: SqlExecutor, from: Date): Promise<{ baseline: number; changes: DepthChange[] }> {
    const [{ baseline }] = await executor.query(`SELECT coalesce(sum(delta), 0)::int AS baseline FROM ${this.depth} WHERE at < $1`, [from]);
    const rows = await executor.query(`SELECT at, delta FROM ${this.depth} WHERE at >= $1 ORDER BY at, event_id`, [from]);
    return { baseline, changes: rows.map((r: { at: Date; delta: number }) => ({ at: r.at.toISOString(), delta: r.delta })) };
  }

  /** the SLA clocks that breached from `from` on, each with when */
  async breachesSince(executor: SqlExecutor, from: Date): Promise<Array<{ clockId: string; at: string }>> {
    const rows = await executor.query(`SELECT data->>'clockId' AS clock_id, at FROM ${this.kpi} WHERE type = 'support.sla.clock-breached.v1' AND at >= $1 ORDER BY at`, [from]);
    return rows.map((r: { clock_id: string; at: Date }) => ({ clockId: r.clock_id, at: r.at.toISOString() }));
  }

  /** empties every projection, for a rebuild from the topics */
  async clear(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE ${PROJECTION_TABLES.map((table) => qualified(this.schema, table)).join(', ')}`);
  }

  /** a page of open tickets, urgent first, then oldest, each with its nearest running deadline; filtered by state, tier or assignee */
  async liveQueue(
    executor: SqlExecutor,
    filter: { state?: string; tier?: string; assignee?: string },
    page: PageRequest<SortKey<typeof QUEUE_CURSOR>>,
  ): Promise<Page<QueueRow & { nextDeadline: Deadline | null }>> {
    // one ascending key for the row comparison: `later` is false for urgent tickets, 'infinity' an unknown receipt
    const after = page.after ? [page.after.later, page.after.receivedAt, page.after.ticketId] : [null, null, null];
    const rows = await executor.query(
      `SELECT q.*, d.clock_id AS deadline_clock_id, d.rule_id AS deadline_rule_id, d.due_at AS deadline_due_at FROM ${this.queue} q
         LEFT JOIN LATERAL (SELECT clock_id, rule_id, due_at FROM ${this.board} b WHERE b.ticket_id = q.ticket_id AND b.status = 'running' ORDER BY due_at LIMIT 1) d ON true
        WHERE (CASE WHEN $1::text IS NULL THEN q.state = ANY($4::text[]) ELSE q.state = $1 END)
          AND ($2::text IS NULL OR q.tier = $2) AND ($3::text IS NULL OR q.assignee_id = $3)
          AND ($7::uuid IS NULL OR (q.urgency IS DISTINCT FROM 'urgent', COALESCE(q.received_at, 'infinity'), q.ticket_id) > ($5::boolean, COALESCE($6::timestamptz, 'infinity'), $7::uuid))
        ORDER BY q.urgency IS DISTINCT FROM 'urgent', COALESCE(q.received_at, 'infinity'), q.ticket_id LIMIT $8`,
      [filter.state ?? null, filter.tier ?? null, filter.assignee ?? null, OPEN_STAGES, ...after, rowsToRead(page)],
    );
    const tickets: Array<QueueRow & { nextDeadline: Deadline | null }> = rows.map((r: Record<string, unknown>) => ({
      ...toQueueRow(r),
      nextDeadline: r.deadline_clock_id ? { clockId: r.deadline_clock_id as string, ruleId: r.deadline_rule_id as string, dueAt: (r.deadline_due_at as Date).toISOString() } : null,
    }));
    return pageOf(tickets, page, (ticket) => ({ later: ticket.urgency !== 'urgent', receivedAt: ticket.receivedAt, ticketId: ticket.ticketId }));
  }

  /** a page of the board: running clocks past their warning (at risk) and breached ones not yet ended, soonest due first */
  async slaBoard(executor: SqlExecutor, at: Date, page: PageRequest<SortKey<typeof BOARD_CURSOR>>): Promise<Page<ClockRow>> {
    const rows = await executor.query(
      `SELECT * FROM ${this.board} WHERE status IN ('running', 'paused') AND (breached OR warn_at <= $1)
          AND ($3::text IS NULL OR (due_at, clock_id) > ($2::timestamptz, $3::text))
        ORDER BY due_at, clock_id LIMIT $4`,
      [at, page.after?.dueAt ?? null, page.after?.clockId ?? null, rowsToRead(page)],
    );
    const clocks: ClockRow[] = rows.map(toClockRow);
    return pageOf(clocks, page, (clock) => ({ dueAt: clock.dueAt, clockId: clock.clockId }));
  }

  async customerTimeline(
    executor: SqlExecutor,
    customerId: string,
  ): Promise<Array<{ eventId: string; ticketId: string; type: string; at: string; actor: unknown; data: unknown }>> {
    // the timeline only indexes ticket events by customer; the events themselves are kept once, as KPI events
    const rows = await executor.query(
      `SELECT t.event_id, t.ticket_id, k.type, t.at, k.actor, k.data FROM ${this.timeline} t JOIN ${this.kpi} k USING (event_id)
        WHERE t.customer_id = $1 ORDER BY t.at, t.event_id`,
      [customerId],
    );
    return rows.map((r: { event_id: string; ticket_id: string; type: string; at: Date; actor: unknown; data: unknown }) => ({
      eventId: r.event_id,
      ticketId: r.ticket_id,
      type: r.type,
      at: r.at.toISOString(),
      actor: r.actor,
      data: r.data,
    }));
  }

  async kpiEvents(executor: SqlExecutor): Promise<KpiEvent[]> {
    const rows = await executor.query(`SELECT * FROM ${this.kpi} ORDER BY at, event_id`);
    return rows.map(toKpiEvent);
  }

  /**
   * the KPI events (tickets, SLA clocks, leads) that happened up to and including `at`, in time order, one
   * stream's events of the same instant in their stream's order: what a fold as of the instant reads
   */
  async kpiEventsUpTo(executor: SqlExecutor, at: Date): Promise<KpiEvent[]> {
    const rows = await executor.query(`SELECT * FROM ${this.kpi} WHERE at <= $1 ORDER BY at, stream_version, event_id`, [at]);
    return rows.map(toKpiEvent);
  }

  /** a digest of every projection's rows, in key order: equal digests, equal projections */
  async checksum(executor: SqlExecutor): Promise<{ checksum: string; rows: Record<string, number> }> {
    const hash = createHash('sha256');
    const rows: Record<string, number> = {};
    for (const [name, table, key] of [
      ['queue', this.queue, 'ticket_id'],
      ['slaBoard', this.board, 'clock_id'],
      ['timeline', this.timeline, 'event_id'],
      ['kpiEvents', this.kpi, 'event_id'],
      ['members', this.members, 'member_id'],
      ['leads', this.leads, 'lead_id'],
      ['queueDepth', this.depth, 'event_id'],
    ] as const) {
      const [row] = await executor.query(`SELECT count(*)::int AS n, coalesce(md5(string_agg(t::text, '|' ORDER BY ${key})), '') AS digest FROM ${table} t`);
      hash.update(`${name}:${row.n}:${row.digest};`);
      rows[name] = row.n;
    }
    return { checksum: hash.digest('hex'), rows };
  }
}

function toQueueRow(r: Record<string, unknown>): QueueRow {
  return {
    ticketId: r.ticket_id as string,
    customerId: (r.customer_id as string) ?? null,
    state: r.state as string,
    urgency: (r.urgency as string) ?? null,
    channel: (r.channel as string) ?? null,
    deviceModel: (r.device_model as string) ?? null,
    tier: (r.tier as string) ?? null,
    assignee: r.assignee_id ? { id: r.assignee_id as string, role: r.assignee_role as string } : null,
    receivedAt: r.received_at ? (r.received_at as Date).toISOString() : null,
    changedAt: (r.changed_at as Date).toISOString(),
  };
}

function toClockRow(r: Record<string, unknown>): ClockRow {
  return {
    clockId: r.clock_id as string,
    ticketId: (r.ticket_id as string) ?? null,
    ruleId: r.rule_id as string,
    status: r.status as string,
    dueAt: (r.due_at as Date).toISOString(),
    warnAt: (r.warn_at as Date).toISOString(),
    warned: r.warned as boolean,
    breached: r.breached as boolean,
    changedAt: (r.changed_at as Date).toISOString(),
  };
}

function toKpiEvent(r: { event_id: string; type: string; at: Date; actor: KpiEvent['actor']; data: unknown }): KpiEvent {
  return { id: r.event_id, type: r.type, time: r.at.toISOString(), actor: r.actor, data: r.data } as KpiEvent;
}

function toMemberRow(r: Record<string, unknown>): MemberRow {
  return { memberId: r.member_id as string, name: r.name as string, role: (r.role as string) ?? null, changedAt: (r.changed_at as Date).toISOString() };
}

function toLeadRow(r: Record<string, unknown>): LeadRow {
  return {
    leadId: r.lead_id as string,
    status: r.status as LeadRow['status'],
    pooledSince: r.pooled_since ? (r.pooled_since as Date).toISOString() : null,
    changedAt: (r.changed_at as Date).toISOString(),
  };
}
