import { createHash } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { qualified, SqlExecutor } from '@support/event-store';
import { ConsumedEvent } from '@support/messaging';
import { KpiEvent } from '../domain';

export interface QueueRow {
  ticketId: string;
  customerId: string | null;
  state: string;
  urgency: string | null;
  channel: string | null;
  deviceModel: string | null;
  tier: string | null;
  assignee: { id: string; role: string } | null;
  receivedAt: string | null;
  changedAt: string;
}

export interface ClockRow {
  clockId: string;
  ticketId: string | null;
  ruleId: string;
  status: string;
  dueAt: string;
  warnAt: string;
  warned: boolean;
  breached: boolean;
}

const OPEN_STAGES = ['received', 'assigned', 'contacted', 'diagnosed', 'quoted', 'in-progress', 'on-site', 'reopened'];

/** The dashboard's projection tables: writes from the projector, reads for the API. */
export class DashboardTables {
  private readonly queue: string;
  private readonly board: string;
  private readonly timeline: string;
  private readonly kpi: string;

  constructor(schema: string) {
    this.queue = qualified(schema, 'queue');
    this.board = qualified(schema, 'sla_board');
    this.timeline = qualified(schema, 'timeline');
    this.kpi = qualified(schema, 'kpi_events');
  }

  async openTicket(manager: EntityManager, t: { ticketId: string; customerId: string; urgency: string; channel: string; deviceModel: string; receivedAt: string; at: string }): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.queue} (ticket_id, customer_id, state, urgency, channel, device_model, received_at, changed_at) VALUES ($1, $2, 'received', $3, $4, $5, $6, $7)
       ON CONFLICT (ticket_id) DO NOTHING`,
      [t.ticketId, t.customerId, t.urgency, t.channel, t.deviceModel, t.receivedAt, t.at],
    );
  }

  async stageOf(executor: SqlExecutor, ticketId: string): Promise<string | undefined> {
    const rows = await executor.query(`SELECT state FROM ${this.queue} WHERE ticket_id = $1`, [ticketId]);
    return rows[0]?.state;
  }

  async assign(manager: EntityManager, ticketId: string, change: { assignee: { id: string; role: string }; tier: string; stage: string | undefined; at: string }): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.queue} (ticket_id, state, tier, assignee_id, assignee_role, changed_at) VALUES ($1, coalesce($2, 'assigned'), $3, $4, $5, $6)
       ON CONFLICT (ticket_id) DO UPDATE SET state = coalesce($2, ${this.queue}.state), tier = $3, assignee_id = $4, assignee_role = $5, changed_at = $6`,
      [ticketId, change.stage ?? null, change.tier, change.assignee.id, change.assignee.role, change.at],
    );
  }

  async moveTo(manager: EntityManager, ticketId: string, stage: string, at: string): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.queue} (ticket_id, state, changed_at) VALUES ($1, $2, $3) ON CONFLICT (ticket_id) DO UPDATE SET state = $2, changed_at = $3`,
      [ticketId, stage, at],
    );
  }

  /** every ticket event of a known customer, for their timeline */
  async addToTimeline(manager: EntityManager, event: ConsumedEvent, ticketId: string): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.timeline} (event_id, customer_id, ticket_id, type, at, actor, data)
       SELECT $1, customer_id, ticket_id, $3, $4, $5, $6 FROM ${this.queue} WHERE ticket_id = $2 AND customer_id IS NOT NULL
       ON CONFLICT (event_id) DO NOTHING`,
      [event.id, ticketId, event.type, event.time, JSON.stringify(event.actor), JSON.stringify(event.data)],
    );
  }

  async startClock(manager: EntityManager, c: { clockId: string; ticketId?: string; ruleId: string; dueAt: string; warnAt: string; at: string }): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.board} (clock_id, ticket_id, rule_id, status, due_at, warn_at, changed_at) VALUES ($1, $2, $3, 'running', $4, $5, $6) ON CONFLICT (clock_id) DO NOTHING`,
      [c.clockId, c.ticketId ?? null, c.ruleId, c.dueAt, c.warnAt, c.at],
    );
  }

  async updateClock(manager: EntityManager, clockId: string, change: { status?: string; dueAt?: string; warnAt?: string; warned?: boolean; breached?: boolean }, at: string): Promise<void> {
    await manager.query(
      `UPDATE ${this.board} SET status = coalesce($2, status), due_at = coalesce($3, due_at), warn_at = coalesce($4, warn_at),
         warned = warned OR coalesce($5, false), breached = breached OR coalesce($6, false), changed_at = $7 WHERE clock_id = $1`,
      [clockId, change.status ?? null, change.dueAt ?? null, change.warnAt ?? null, change.warned ?? null, change.breached ?? null, at],
    );
  }

  async keepKpiEvent(manager: EntityManager, event: ConsumedEvent): Promise<void> {
    await manager.query(`INSERT INTO ${this.kpi} (event_id, type, at, actor, data) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id) DO NOTHING`, [
      event.id,
      event.type,
      event.time,
      JSON.stringify(event.actor),
      JSON.stringify(event.data),
    ]);
  }

  async ticket(executor: SqlExecutor, ticketId: string): Promise<QueueRow | undefined> {
    const rows = await executor.query(`SELECT * FROM ${this.queue} WHERE ticket_id = $1`, [ticketId]);
    return rows[0] && toQueueRow(rows[0]);
  }

  async clock(executor: SqlExecutor, clockId: string): Promise<ClockRow | undefined> {
    const rows = await executor.query(`SELECT * FROM ${this.board} WHERE clock_id = $1`, [clockId]);
    return rows[0] && toClockRow(rows[0]);
  }

  /** open tickets, urgent first, then oldest; filtered by state, tier or assignee */
  async liveQueue(executor: SqlExecutor, filter: { state?: string; tier?: string; assignee?: string }): Promise<QueueRow[]> {
    const rows = await executor.query(
      `SELECT * FROM ${this.queue}
        WHERE (CASE WHEN $1::text IS NULL THEN state = ANY($4::text[]) ELSE state = $1 END)
          AND ($2::text IS NULL OR tier = $2) AND ($3::text IS NULL OR assignee_id = $3)
        ORDER BY (urgency = 'urgent') DESC, received_at NULLS LAST, ticket_id LIMIT 500`,
      [filter.state ?? null, filter.tier ?? null, filter.assignee ?? null, OPEN_STAGES],
    );
    return rows.map(toQueueRow);
  }

  /** running clocks past their warning (at risk) and breached ones not yet ended */
  async slaBoard(executor: SqlExecutor, at: Date): Promise<{ atRisk: ClockRow[]; breached: ClockRow[] }> {
    const rows = await executor.query(`SELECT * FROM ${this.board} WHERE status IN ('running', 'paused') AND (breached OR warn_at <= $1) ORDER BY due_at, clock_id LIMIT 500`, [at]);
    const clocks = rows.map(toClockRow);
    return { atRisk: clocks.filter((c: ClockRow) => !c.breached), breached: clocks.filter((c: ClockRow) => c.breached) };
  }

  async customerTimeline(executor: SqlExecutor, customerId: string): Promise<Array<{ eventId: string; ticketId: string; type: string; at: string; actor: unknown; data: unknown }>> {
    const rows = await executor.query(`SELECT * FROM ${this.timeline} WHERE customer_id = $1 ORDER BY at, event_id`, [customerId]);
    return rows.map((r: { event_id: string; ticket_id: string; type: string; at: Date; actor: unknown; data: unknown }) => ({ eventId: r.event_id, ticketId: r.ticket_id, type: r.type, at: r.at.toISOString(), actor: r.actor, data: r.data }));
  }

  async kpiEvents(executor: SqlExecutor): Promise<KpiEvent[]> {
    const rows = await executor.query(`SELECT * FROM ${this.kpi} ORDER BY at, event_id`);
    return rows.map((r: { event_id: string; type: string; at: Date; actor: KpiEvent['actor']; data: unknown }) => ({ id: r.event_id, type: r.type, time: r.at.toISOString(), actor: r.actor, data: r.data }) as KpiEvent);
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
  };
}
