import { EntityManager } from 'typeorm';
import { qualified, SqlExecutor } from '@support/event-store';
import { Jsonified } from '@support/contracts';
import { cursorShape, Page, pageOf, PageRequest, rowsToRead, SortKey } from '@support/service-kit';
import { ServiceSheet, Visit } from '../domain';

/** A visit or sheet as the API shows it: its state (dates as ISO strings) and its version. */
export type View<State> = Jsonified<State> & { version: number };
export type VisitView = View<Visit>;
export type SheetView = View<ServiceSheet>;

export interface VisitFilter {
  ticketId?: string;
  technicianId?: string;
  /** appointments in [from, to) */
  from?: Date;
  to?: Date;
  /** only visits of tickets this contractor works */
  contractorId?: string;
}

export interface SheetFilter {
  ticketId?: string;
  status?: string;
  contractorId?: string;
}

/** The visits list's sort key: by appointment (unscheduled ones, null, last), then id. */
export const VISIT_CURSOR = cursorShape({ appointmentAt: 'time?', visitId: 'uuid' });
/** The sheets list's sort key: by id. */
export const SHEET_CURSOR = cursorShape({ sheetId: 'uuid' });

export type VisitQuery = VisitFilter & { page: PageRequest<SortKey<typeof VISIT_CURSOR>> };
export type SheetQuery = SheetFilter & { page: PageRequest<SortKey<typeof SHEET_CURSOR>> };

export class FieldViewsRepository {
  private readonly visits: string;
  private readonly sheets: string;
  private readonly tickets: string;

  constructor(schema: string) {
    this.visits = qualified(schema, 'visits');
    this.sheets = qualified(schema, 'sheets');
    this.tickets = qualified(schema, 'known_tickets');
  }

  async saveVisit(manager: EntityManager, visit: Visit, version: number): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.visits} (visit_id, ticket_id, status, technician_id, appointment_at, state, version) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (visit_id) DO UPDATE SET status = EXCLUDED.status, technician_id = EXCLUDED.technician_id,
         appointment_at = EXCLUDED.appointment_at, state = EXCLUDED.state, version = EXCLUDED.version`,
      [visit.visitId, visit.ticketId, visit.status, visit.technician?.id ?? null, visit.appointmentAt ?? null, JSON.stringify(visit), version],
    );
  }

  async saveSheet(manager: EntityManager, sheet: ServiceSheet, version: number): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.sheets} (sheet_id, ticket_id, visit_id, status, state, version) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (sheet_id) DO UPDATE SET status = EXCLUDED.status, state = EXCLUDED.state, version = EXCLUDED.version`,
      [sheet.sheetId, sheet.ticketId, sheet.visitId ?? null, sheet.status, JSON.stringify(sheet), version],
    );
  }

  async visit(executor: SqlExecutor, visitId: string): Promise<VisitView | undefined> {
    const rows = await executor.query(`SELECT state, version FROM ${this.visits} WHERE visit_id = $1`, [visitId]);
    return rows[0] && { ...rows[0].state, version: rows[0].version };
  }

  async sheet(executor: SqlExecutor, sheetId: string): Promise<SheetView | undefined> {
    const rows = await executor.query(`SELECT state, version FROM ${this.sheets} WHERE sheet_id = $1`, [sheetId]);
    return rows[0] && { ...rows[0].state, version: rows[0].version };
  }

  /** a page of visits by appointment (unscheduled ones last), then id */
  async findVisits(executor: SqlExecutor, query: VisitQuery): Promise<Page<VisitView>> {
    // 'infinity' stands for no appointment: NULLS LAST as one key the row comparison can take
    const rows: Array<{ state: VisitView; version: number; appointment_at: Date | null }> = await executor.query(
      `SELECT v.state, v.version, v.appointment_at FROM ${this.visits} v LEFT JOIN ${this.tickets} t ON t.ticket_id = v.ticket_id
        WHERE ($1::uuid IS NULL OR v.ticket_id = $1) AND ($2::text IS NULL OR v.technician_id = $2)
          AND ($3::timestamptz IS NULL OR v.appointment_at >= $3) AND ($4::timestamptz IS NULL OR v.appointment_at < $4)
          AND ($5::text IS NULL OR (t.assignee_role = 'contractor' AND t.assignee_id = $5))
          AND ($7::uuid IS NULL OR (COALESCE(v.appointment_at, 'infinity'), v.visit_id) > (COALESCE($6::timestamptz, 'infinity'), $7::uuid))
        ORDER BY COALESCE(v.appointment_at, 'infinity'), v.visit_id LIMIT $8`,
      [
        query.ticketId ?? null,
        query.technicianId ?? null,
        query.from ?? null,
        query.to ?? null,
        query.contractorId ?? null,
        query.page.after?.appointmentAt ?? null,
        query.page.after?.visitId ?? null,
        rowsToRead(query.page),
      ],
    );
    const visits = rows.map((row) => ({ view: { ...row.state, version: row.version }, appointmentAt: row.appointment_at?.toISOString() ?? null }));
    const page = pageOf(visits, query.page, (visit) => ({ appointmentAt: visit.appointmentAt, visitId: visit.view.visitId }));
    return { items: page.items.map((visit) => visit.view), nextCursor: page.nextCursor };
  }

  /** a page of sheets by id */
  async findSheets(executor: SqlExecutor, query: SheetQuery): Promise<Page<SheetView>> {
    const rows = await executor.query(
      `SELECT s.state, s.version FROM ${this.sheets} s LEFT JOIN ${this.tickets} t ON t.ticket_id = s.ticket_id
        WHERE ($1::uuid IS NULL OR s.ticket_id = $1) AND ($2::text IS NULL OR s.status = $2)
          AND ($3::text IS NULL OR (t.assignee_role = 'contractor' AND t.assignee_id = $3))
          AND ($4::uuid IS NULL OR s.sheet_id > $4)
        ORDER BY s.sheet_id LIMIT $5`,
      [query.ticketId ?? null, query.status ?? null, query.contractorId ?? null, query.page.after?.sheetId ?? null, rowsToRead(query.page)],
    );
    const sheets = rows.map((row: { state: SheetView; version: number }) => ({ ...row.state, version: row.version }));
    return pageOf(sheets, query.page, (sheet) => ({ sheetId: sheet.sheetId }));
  }
}
