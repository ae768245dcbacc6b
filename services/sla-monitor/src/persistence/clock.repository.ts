import { EntityManager } from 'typeorm';
import { SLA_SUBJECTS, SlaSubject, Urgency } from '@support/contracts';
import { qualified, SqlExecutor } from '@support/event-store';
import { cursorShape, Page, pageOf, PageRequest, rowsToRead, SortKey } from '@support/service-kit';
import { ClockStatus, EarlyStop, KnownClock, nextTickAt, SlaClock } from '../domain';

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

/** The clocks list's sort key: soonest due first, then id. */
export const CLOCK_CURSOR = cursorShape({ dueAt: 'time', clockId: 'text' });
export type ClockCursor = SortKey<typeof CLOCK_CURSOR>;

/** How many clocks are in each state that operators watch, at a moment. */
export interface ClockCensus {
  /** counting down, not breached */
  running: number;
  /** running, past the warning time, not yet due */
  atRisk: number;
  /** breached and still open (running, paused or counting past due) */
  breached: number;
  /** every clock that has breached, open or ended: grows with each breach */
  breachedEver: number;
}

export class ClockRepository {
  private readonly clocks: string;
  private readonly urgency: string;
  private readonly earlyStops: string;

  constructor(schema: string) {
    this.clocks = qualified(schema, 'clocks');
    this.urgency = qualified(schema, 'ticket_urgency');
    this.earlyStops = qualified(schema, 'early_stops');
  }

  async save(manager: EntityManager, clock: SlaClock, version: number): Promise<void> {
    await this.saveAll(manager, [{ clock, version }]);
  }

  /** several clocks in one statement (each clock once) */
  async saveAll(manager: EntityManager, clocks: ReadonlyArray<{ clock: SlaClock; version: number }>): Promise<void> {
    if (clocks.length === 0) return;
    const values: unknown[] = [];
    const tuples = clocks.map(({ clock, version }) => {
      const base = values.length;
      values.push(
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
      );
      return `(${Array.from({ length: 14 }, (_, i) => `$${base + i + 1}`).join(', ')})`;
    });
    await manager.query(
      `INSERT INTO ${this.clocks} (clock_id, rule_id, subject_type, subject_id, ticket_id, status, time_basis, started_at, due_at, warn_at, warned, breached, next_tick_at, version)
       VALUES ${tuples.join(', ')}
       ON CONFLICT (clock_id) DO UPDATE SET status = EXCLUDED.status, due_at = EXCLUDED.due_at, warn_at = EXCLUDED.warn_at,
         warned = EXCLUDED.warned, breached = EXCLUDED.breached, next_tick_at = EXCLUDED.next_tick_at, version = EXCLUDED.version`,
      values,
    );
  }

  /** every clock of the subjects an event is about (ended ones too: a rule runs once per subject) */
  async known(executor: SqlExecutor, ids: { ticketId?: string; subjectIds: string[] }): Promise<KnownClock[]> {
    return this.knownOf(executor, { ticketIds: ids.ticketId !== undefined ? [ids.ticketId] : [], subjectIds: ids.subjectIds });
  }

  /** known() for the tickets and subjects of several events at once */
  async knownOf(executor: SqlExecutor, ids: { ticketIds: string[]; subjectIds: string[] }): Promise<KnownClock[]> {
    // every subject type is named so that the (subject_type, subject_id) index serves the lookup: without
    // it each incoming event scanned the whole table (31 ms at 100,000 clocks instead of 0.1 ms)
    const rows: Row[] = await executor.query(
      `SELECT * FROM ${this.clocks} WHERE ticket_id = ANY($1::uuid[]) OR (subject_type = ANY($3::text[]) AND subject_id = ANY($2::text[]))`,
      [ids.ticketIds, ids.subjectIds, SLA_SUBJECTS],
    );
    return rows.map((row) => ({
      clockId: row.clock_id,
      ruleId: row.rule_id,
      subject: { type: row.subject_type, id: row.subject_id },
      ...(row.ticket_id ? { ticketId: row.ticket_id } : {}),
      status: row.status,
    }));
  }

  /** clocks with a warning or breach due by `at`, most overdue first */
  async due(executor: SqlExecutor, at: Date, limit: number): Promise<string[]> {
    const rows: Array<{ clock_id: string }> = await executor.query(`SELECT clock_id FROM ${this.clocks} WHERE next_tick_at <= $1 ORDER BY next_tick_at LIMIT $2`, [at, limit]);
    return rows.map((r) => r.clock_id);
  }

  /** the ids of the clocks that started in `[from, to)` (the table names every clock ever started; a start never changes), in id order */
  async startedIn(executor: SqlExecutor, from: Date, to: Date): Promise<string[]> {
    const rows: Array<{ clock_id: string }> = await executor.query(`SELECT clock_id FROM ${this.clocks} WHERE started_at >= $1 AND started_at < $2 ORDER BY clock_id`, [from, to]);
    return rows.map((r) => r.clock_id);
  }

  async ofTicket(executor: SqlExecutor, ticketId: string): Promise<ClockRow[]> {
    return (await executor.query(`SELECT * FROM ${this.clocks} WHERE ticket_id = $1 ORDER BY started_at, clock_id`, [ticketId])).map(toClockRow);
  }

  /** a page of the open clocks past their warning time (at risk) or past due (breached), soonest due first, then id */
  async byRisk(executor: SqlExecutor, risk: 'at-risk' | 'breached', at: Date, page: PageRequest<ClockCursor>): Promise<Page<ClockRow>> {
    const where = risk === 'breached' ? `breached AND status IN ('running', 'paused', 'breached')` : `NOT breached AND status = 'running' AND warn_at <= $1 AND due_at > $1`;
    const rows: Row[] = await executor.query(
      `SELECT * FROM ${this.clocks} WHERE ${where} AND $1::timestamptz IS NOT NULL
          AND ($4::text IS NULL OR (due_at, clock_id) > ($3::timestamptz, $4::text))
        ORDER BY due_at, clock_id LIMIT $2`,
      [at, rowsToRead(page), page.after?.dueAt ?? null, page.after?.clockId ?? null],
    );
    return pageOf(rows.map(toClockRow), page, (clock) => ({ dueAt: clock.dueAt, clockId: clock.clockId }));
  }

  /** {@link ClockCensus} at `at`, in one pass over the table (what the metrics show at each scrape) */
  async census(executor: SqlExecutor, at: Date): Promise<ClockCensus> {
    const [row]: Array<Record<'running' | 'at_risk' | 'breached' | 'breached_ever', number>> = await executor.query(
      `SELECT count(*) FILTER (WHERE status = 'running' AND NOT breached)::int AS running,
              count(*) FILTER (WHERE status = 'running' AND NOT breached AND warn_at <= $1 AND due_at > $1)::int AS at_risk,
              count(*) FILTER (WHERE breached AND status IN ('running', 'paused', 'breached'))::int AS breached,
              count(*) FILTER (WHERE breached)::int AS breached_ever
         FROM ${this.clocks}`,
      [at],
    );
    return { running: row.running, atRisk: row.at_risk, breached: row.breached, breachedEver: row.breached_ever };
  }

  async urgencyOf(executor: SqlExecutor, ticketId: string): Promise<Urgency | undefined> {
    return (await this.urgenciesOf(executor, [ticketId])).get(ticketId);
  }

  /** urgencyOf for several tickets, keyed by the ids as given */
  async urgenciesOf(executor: SqlExecutor, ticketIds: string[]): Promise<Map<string, Urgency>> {
    if (ticketIds.length === 0) return new Map();
    const rows: Array<{ given: string; urgency: Urgency }> = await executor.query(
      `SELECT t.given, u.urgency FROM unnest($1::text[]) AS t(given) JOIN ${this.urgency} u ON u.ticket_id = t.given::uuid`,
      [ticketIds],
    );
    return new Map(rows.map((row) => [row.given, row.urgency]));
  }

  async rememberUrgency(manager: EntityManager, ticketId: string, urgency: Urgency): Promise<void> {
    await this.rememberUrgencies(manager, [{ ticketId, urgency }]);
  }

  /** each ticket once */
  async rememberUrgencies(manager: EntityManager, urgencies: ReadonlyArray<{ ticketId: string; urgency: Urgency }>): Promise<void> {
    if (urgencies.length === 0) return;
    const tuples = urgencies.map((_, i) => `($${2 * i + 1}, $${2 * i + 2})`);
    await manager.query(
      `INSERT INTO ${this.urgency} (ticket_id, urgency) VALUES ${tuples.join(', ')} ON CONFLICT (ticket_id) DO UPDATE SET urgency = EXCLUDED.urgency`,
      urgencies.flatMap((u) => [u.ticketId, u.urgency]),
    );
  }

  /** stops seen before their clock started, of these subjects */
  async earlyStopsOf(executor: SqlExecutor, subjectIds: readonly string[]): Promise<EarlyStop[]> {
    if (subjectIds.length === 0) return [];
    const rows: Array<{ rule_id: string; subject_type: SlaSubject['type']; subject_id: string; stopped_at: Date }> = await executor.query(
      `SELECT rule_id, subject_type, subject_id, stopped_at FROM ${this.earlyStops} WHERE subject_id = ANY($1::text[])`,
      [[...new Set(subjectIds)]],
    );
    return rows.map((row) => ({ ruleId: row.rule_id, subject: { type: row.subject_type, id: row.subject_id }, at: row.stopped_at }));
  }

  /** keeps each rule and subject's latest early stop, for the start that comes later */
  async rememberEarlyStops(manager: EntityManager, stops: readonly EarlyStop[]): Promise<void> {
    if (stops.length === 0) return;
    await manager.query(
      `INSERT INTO ${this.earlyStops} AS kept (rule_id, subject_type, subject_id, stopped_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[])
       ON CONFLICT (rule_id, subject_type, subject_id) DO UPDATE SET stopped_at = GREATEST(kept.stopped_at, EXCLUDED.stopped_at)`,
      [stops.map((s) => s.ruleId), stops.map((s) => s.subject.type), stops.map((s) => s.subject.id), stops.map((s) => s.at.toISOString())],
    );
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
