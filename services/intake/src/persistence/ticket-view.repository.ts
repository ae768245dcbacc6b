import { EntityManager } from 'typeorm';
import { qualified, SqlExecutor } from '@support/event-store';
import { cursorShape, Page, pageOf, PageRequest, rowsToRead, SortKey } from '@support/service-kit';
import { Ticket } from '../domain';

/** A ticket as GET returns it: the folded state plus the stream version. */
export type TicketView = Ticket & { version: number };

/** The tickets list's sort key (newest first): a page's cursor holds its last ticket's. */
export const TICKET_CURSOR = cursorShape({ receivedAt: 'time', ticketId: 'uuid' });
export type TicketCursor = SortKey<typeof TICKET_CURSOR>;

export interface TicketFilter {
  state?: string;
  assignee?: string;
  /** the assignee's role too (a contractor's list: a member of staff may share the id) */
  assigneeRole?: string;
  customerId?: string;
}

export class TicketViewRepository {
  private readonly table: string;

  constructor(schema: string) {
    this.table = qualified(schema, 'ticket_view');
  }

  async save(manager: EntityManager, ticket: Ticket, version: number): Promise<void> {
    await this.saveAll(manager, [{ ticket, version }]);
  }

  /** the views of several tickets in one statement; a view never goes back to an older version */
  async saveAll(manager: EntityManager, views: ReadonlyArray<{ ticket: Ticket; version: number }>): Promise<void> {
    if (views.length === 0) return;
    await manager.query(
      `INSERT INTO ${this.table} (ticket_id, state, urgency, customer_id, assignee_id, version, received_at, view)
       SELECT r.ticket_id, r.state, r.urgency, r.customer_id, r.assignee_id, r.version, r.received_at, r.view
         FROM jsonb_to_recordset($1::jsonb) AS r(ticket_id uuid, state text, urgency text, customer_id uuid, assignee_id text, version integer, received_at timestamptz, view jsonb)
       ON CONFLICT (ticket_id) DO UPDATE SET state = EXCLUDED.state, assignee_id = EXCLUDED.assignee_id,
         version = EXCLUDED.version, view = EXCLUDED.view
       WHERE ${this.table}.version < EXCLUDED.version`,
      [
        JSON.stringify(
          views.map(({ ticket, version }) => ({
            ticket_id: ticket.id,
            state: ticket.state,
            urgency: ticket.urgency,
            customer_id: ticket.customerId,
            assignee_id: ticket.assignee?.id ?? null,
            version,
            received_at: ticket.receivedAt,
            view: ticket,
          })),
        ),
      ],
    );
  }

  async get(executor: SqlExecutor, ticketId: string): Promise<TicketView | null> {
    const rows = await executor.query(`SELECT view, version FROM ${this.table} WHERE ticket_id = $1`, [ticketId]);
    return rows[0] ? { ...rows[0].view, version: rows[0].version } : null;
  }

  /** every ticket of a customer, oldest first */
  async ticketIdsOf(executor: SqlExecutor, customerId: string): Promise<string[]> {
    const rows: Array<{ ticket_id: string }> = await executor.query(`SELECT ticket_id FROM ${this.table} WHERE customer_id = $1 ORDER BY received_at, ticket_id`, [customerId]);
    return rows.map((row) => row.ticket_id);
  }

  /** every ticket of a customer, oldest first: their whole history, however long */
  async ofCustomer(executor: SqlExecutor, customerId: string): Promise<TicketView[]> {
    const rows = await executor.query(`SELECT view, version FROM ${this.table} WHERE customer_id = $1 ORDER BY received_at, ticket_id`, [customerId]);
    return rows.map(viewOf);
  }

  /** newest first; the cursor is the last ticket of the previous page */
  async page(executor: SqlExecutor, query: TicketFilter, page: PageRequest<TicketCursor>): Promise<Page<TicketView>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (query.state) add('state = ?', query.state);
    if (query.assignee) add('assignee_id = ?', query.assignee);
    if (query.assigneeRole) add(`view->'assignee'->>'role' = ?`, query.assigneeRole);
    if (query.customerId) add('customer_id = ?', query.customerId);
    if (page.after) {
      params.push(page.after.receivedAt, page.after.ticketId);
      where.push(`(received_at, ticket_id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(rowsToRead(page));
    const rows = await executor.query(
      `SELECT view, version FROM ${this.table} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY received_at DESC, ticket_id DESC LIMIT $${params.length}`,
      params,
    );
    return pageOf(rows.map(viewOf), page, (ticket) => ({ receivedAt: ticket.receivedAt, ticketId: ticket.id }));
  }
}

function viewOf(row: { view: Ticket; version: number }): TicketView {
  return { ...row.view, version: row.version };
}
