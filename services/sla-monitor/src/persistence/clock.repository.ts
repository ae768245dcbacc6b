import { EntityManager } from 'typeorm';
import { SlaSubject, Urgency } from '@support/contracts';
import { qualified, SqlExecutor } from '@support/event-store';
import { ClockStatus, KnownClock, nextTickAt, SlaClock } from '../domain';

export interface ClockRow {
  clockId: string;
  ruleId: string;
  subject: SlaSubject;
  ticketId?: string;
  status: ClockStatus;
  timeBasis: string;
  startedAt: string;
  dueAt: string;
  warnAt: string;
  warned: boolean;
  breached: boolean;
  version: number;
}

interface Row {
  clock_id: string;
  rule_id: string;
  subject_type: SlaSubject['type'];
  subject_id: string;
  ticket_id: string | null;
  status: ClockStatus;
  time_basis: string;
  started_at: Date;
  due_at: Date;
  warn_at: Date;
  warned: boolean;
  breached: boolean;
  version: number;
}

export class ClockRepository {
  private readonly clocks: string;
  private readonly urgency: string;

  constructor(schema: string) {
    this.clocks = qualified(schema, 'clocks');
    this.urgency = qualified(schema, 'ticket_urgency');
  }

  async save(manager: EntityManager, clock: SlaClock, version: number): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.clocks} (clock_id, rule_id, subject_type, subject_id, ticket_id, status, time_basis, started_at, due_at, warn_at, warned, breached, next_tick_at, version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (clock_id) DO UPDATE SET status = EXCLUDED.status, due_at = EXCLUDED.due_at, warn_at = EXCLUDED.warn_at,
         warned = EXCLUDED.warned, breached = EXCLUDED.breached, next_tick_at = EXCLUDED.next_tick_at, version = EXCLUDED.version`,
      [
        clock.clockId,
        clock.ruleId,
        clock.subject.type,
        clock.subject.id,
        clock.ticketId ?? null,
        clock.status,
        clock.timeBasis,
        clock.startedAt,
        clock.dueAt,
        clock.warnAt,
        clock.warned,
        clock.breached,
        nextTickAt(clock) ?? null,
        version,
      ],
    );
  }

  /** every clock of the subjects an event is about (ended ones too: a rule runs once per subject) */
  async known(executor: SqlExecutor, ids: { ticketId?: string; subjectIds: string[] }): Promise<KnownClock[]> {
    const rows: Row[] = await executor.query(`SELECT * FROM ${this.clocks} WHERE ticket_id = $1 OR subject_id = ANY($2::text[])`, [ids.ticketId ?? null, ids.subjectIds]);
    return rows.map((row) => ({ clockId: row.clock_id, ruleId: row.rule_id, subject: { type: row.subject_type, id: row.subject_id }, ...(row.ticket_id ? { ticketId: row.ticket_id } : {}), status: row.status }));
  }

  /** clocks with a warning or breach due by `at`, most overdue first */
  async due(executor: SqlExecutor, at: Date, limit: number): Promise<string[]> {
    const rows: Array<{ clock_id: string }> = await executor.query(
      `SELECT clock_id FROM ${this.clocks} WHERE next_tick_at <= $1 ORDER BY next_tick_at LIMIT $2`,
      [at, limit],
    );
    return rows.map((r) => r.clock_id);
  }

  async ofTicket(executor: SqlExecutor, ticketId: string): Promise<ClockRow[]> {
    return (await executor.query(`SELECT * FROM ${this.clocks} WHERE ticket_id = $1 ORDER BY started_at, clock_id`, [ticketId])).map(toClockRow);
  }

  /** open clocks past their warning time (at risk) or past due (breached) */
  async byRisk(executor: SqlExecutor, risk: 'at-risk' | 'breached', at: Date, limit = 500): Promise<ClockRow[]> {
    const where =
      risk === 'breached'
        ? `breached AND status IN ('running', 'paused', 'breached')`
        : `NOT breached AND status = 'running' AND warn_at <= $1 AND due_at > $1`;
    const rows: Row[] = await executor.query(`SELECT * FROM ${this.clocks} WHERE ${where} AND $1::timestamptz IS NOT NULL ORDER BY due_at LIMIT $2`, [at, limit]);
    return rows.map(toClockRow);
  }

  async urgencyOf(executor: SqlExecutor, ticketId: string): Promise<Urgency | undefined> {
    const rows = await executor.query(`SELECT urgency FROM ${this.urgency} WHERE ticket_id = $1`, [ticketId]);
    return rows[0]?.urgency;
  }

  async rememberUrgency(manager: EntityManager, ticketId: string, urgency: Urgency): Promise<void> {
    await manager.query(`INSERT INTO ${this.urgency} (ticket_id, urgency) VALUES ($1, $2) ON CONFLICT (ticket_id) DO UPDATE SET urgency = EXCLUDED.urgency`, [ticketId, urgency]);
  }
}

function toClockRow(row: Row): ClockRow {
  return {
    clockId: row.clock_id,
    ruleId: row.rule_id,
    subject: { type: row.subject_type, id: row.subject_id },
    ...(row.ticket_id ? { ticketId: row.ticket_id } : {}),
    status: row.status,
    timeBasis: row.time_basis,
    startedAt: row.started_at.toISOString(),
    dueAt: row.due_at.toISOString(),
    warnAt: row.warn_at.toISOString(),
    warned: row.warned,
    breached: row.breached,
    version: row.version,
  };
}
