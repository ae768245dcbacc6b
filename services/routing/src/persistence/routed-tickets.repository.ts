import { EntityManager } from 'typeorm';
import { Difficulty, Tier, Urgency } from '@support/contracts';
import { qualified, SqlExecutor } from '@support/event-store';
import { cursorShape, Page, pageOf, PageRequest, rowsToRead, SortKey } from '@support/service-kit';

export interface RoutedTicket {
  ticketId: string;
  urgency: Urgency;
  receivedAt: string;
  triage: { faultCategory?: string; scenario?: string; difficulty?: Difficulty };
  status: 'waiting' | 'open' | 'done';
  waitingFor?: 'assignment' | 'escalation';
  escalationReason?: string;
  assigneeId?: string;
  tier?: Tier;
}

interface TicketRow {
  ticket_id: string;
  urgency: Urgency;
  received_at: Date;
  triage: RoutedTicket['triage'];
  status: RoutedTicket['status'];
  waiting_for: RoutedTicket['waitingFor'] | null;
  escalation_reason: string | null;
  assignee_id: string | null;
  tier: Tier | null;
}

/** The queue's sort key, in serving order: urgent first (`later` false), then oldest, then id. */
export const QUEUE_CURSOR = cursorShape({ later: 'boolean', receivedAt: 'time', ticketId: 'uuid' });
export type QueueCursor = SortKey<typeof QUEUE_CURSOR>;

/** Every ticket routing has seen, with what it waits for or who works it. */
export class RoutedTicketsRepository {
  private readonly table: string;

  constructor(schema: string) {
    this.table = qualified(schema, 'routed_tickets');
  }

  async received(manager: EntityManager, ticket: Pick<RoutedTicket, 'ticketId' | 'urgency' | 'receivedAt' | 'triage'>): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.table} (ticket_id, urgency, received_at, triage, status, waiting_for) VALUES ($1, $2, $3, $4, 'waiting', 'assignment')
       ON CONFLICT (ticket_id) DO NOTHING`,
      [ticket.ticketId, ticket.urgency, ticket.receivedAt, JSON.stringify(ticket.triage)],
    );
  }

  async get(executor: SqlExecutor, ticketId: string): Promise<RoutedTicket | null> {
    const rows: TicketRow[] = await executor.query(`SELECT * FROM ${this.table} WHERE ticket_id = $1`, [ticketId]);
    return rows[0] ? toTicket(rows[0]) : null;
  }

  /** the queue: tickets waiting for an assignee, or (still with theirs) for an escalation; urgent first */
  async waiting(executor: SqlExecutor): Promise<RoutedTicket[]> {
    const rows: TicketRow[] = await executor.query(`SELECT * FROM ${this.table} WHERE waiting_for IS NOT NULL ORDER BY (urgency = 'urgent') DESC, received_at, ticket_id`);
    return rows.map(toTicket);
  }

  /**
   * a page of the queue in serving order, each ticket with its place in line: the tickets ahead of
   * the page are counted, so a place stays right on every page
   */
  async waitingPage(executor: SqlExecutor, page: PageRequest<QueueCursor>): Promise<Page<RoutedTicket & { position: number }>> {
    // (urgency <> 'urgent') sorts urgent first as false < true: one ascending key for the row comparison
    const after = page.after ? [page.after.later, page.after.receivedAt, page.after.ticketId] : [null, null, null];
    const rows: Array<TicketRow & { ahead: string }> = await executor.query(
      `WITH ahead AS (
         SELECT count(*) AS n FROM ${this.table}
          WHERE waiting_for IS NOT NULL AND $1::boolean IS NOT NULL AND (urgency <> 'urgent', received_at, ticket_id) <= ($1::boolean, $2::timestamptz, $3::uuid)
       )
       SELECT t.*, ahead.n AS ahead FROM ${this.table} t, ahead
        WHERE t.waiting_for IS NOT NULL AND ($1::boolean IS NULL OR (t.urgency <> 'urgent', t.received_at, t.ticket_id) > ($1::boolean, $2::timestamptz, $3::uuid))
        ORDER BY t.urgency <> 'urgent', t.received_at, t.ticket_id LIMIT $4`,
      [...after, rowsToRead(page)],
    );
    const tickets = rows.map((row, index) => ({ ...toTicket(row), position: Number(row.ahead) + index + 1 }));
    return pageOf(tickets, page, (ticket) => ({ later: ticket.urgency !== 'urgent', receivedAt: ticket.receivedAt, ticketId: ticket.ticketId }));
  }

  async assign(manager: EntityManager, ticketId: string, assigneeId: string, tier: Tier): Promise<void> {
    await manager.query(`UPDATE ${this.table} SET status = 'open', waiting_for = NULL, escalation_reason = NULL, assignee_id = $2, tier = $3 WHERE ticket_id = $1`, [
      ticketId,
      assigneeId,
      tier,
    ]);
  }

  /** the ticket stays its assignee's open work until someone of the next tier is free */
  async waitForEscalation(manager: EntityManager, ticketId: string, reason: string): Promise<void> {
    await manager.query(`UPDATE ${this.table} SET waiting_for = 'escalation', escalation_reason = $2 WHERE ticket_id = $1`, [ticketId, reason]);
  }

  async done(manager: EntityManager, ticketId: string): Promise<void> {
    await manager.query(`UPDATE ${this.table} SET status = 'done', waiting_for = NULL WHERE ticket_id = $1`, [ticketId]);
  }

  /** a reopened ticket is its assignee's open work again (or waits, if it never had one) */
  async reopen(manager: EntityManager, ticketId: string): Promise<void> {
    await manager.query(
      `UPDATE ${this.table} SET status = CASE WHEN assignee_id IS NULL THEN 'waiting' ELSE 'open' END,
         waiting_for = CASE WHEN assignee_id IS NULL THEN 'assignment' ELSE NULL END WHERE ticket_id = $1`,
      [ticketId],
    );
  }
}

function toTicket(row: TicketRow): RoutedTicket {
  return {
    ticketId: row.ticket_id,
    urgency: row.urgency,
    receivedAt: row.received_at.toISOString(),
    triage: row.triage,
    status: row.status,
    ...(row.waiting_for ? { waitingFor: row.waiting_for } : {}),
    ...(row.escalation_reason ? { escalationReason: row.escalation_reason } : {}),
    ...(row.assignee_id ? { assigneeId: row.assignee_id } : {}),
    ...(row.tier ? { tier: row.tier } : {}),
  };
}
