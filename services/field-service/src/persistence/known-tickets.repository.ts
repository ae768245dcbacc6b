import { EntityManager } from 'typeorm';
import { qualified, SqlExecutor } from '@support/event-store';

/**
 * A ticket as field-service knows it: enough to scope contractors and to head a service sheet. The
 * customer's name and contact are kept as intake published them: sealed with the customer's key (clear
 * only in rows from before intake sealed them); a reader opens them (PersonalDataOpening).
 */
export interface KnownTicket {
  ticketId: string;
  /** absent in rows from before field-service kept it */
  customerId?: string;
  customerName: string;
  customerContact: string;
  deviceModel: string;
  problem: string;
  state: string;
  assigneeId?: string;
  assigneeRole?: string;
}

interface Row {
  ticket_id: string;
  customer_id: string | null;
  customer_name: string;
  customer_contact: string;
  device_model: string;
  problem: string;
  state: string;
  assignee_id: string | null;
  assignee_role: string | null;
}

export class KnownTicketsRepository {
  private readonly table: string;

  constructor(schema: string) {
    this.table = qualified(schema, 'known_tickets');
  }

  async find(executor: SqlExecutor, ticketId: string): Promise<KnownTicket | undefined> {
    const rows: Row[] = await executor.query(`SELECT * FROM ${this.table} WHERE ticket_id = $1`, [ticketId]);
    return rows[0] && toKnownTicket(rows[0]);
  }

  /**
   * Whose data key seals the personal data of a ticket's visits and sheets: the ticket's customer, so
   * erasing them erases these too. A ticket known from before field-service kept its customer (or not
   * known at all) falls back to the ticket's own id, a UUID as subject ids are: the customer's erasure
   * destroys that key too (CustomerErasureReactor).
   */
  async subjectOf(executor: SqlExecutor, ticketId: string): Promise<string> {
    const rows: Array<{ customer_id: string | null }> = await executor.query(`SELECT customer_id FROM ${this.table} WHERE ticket_id = $1`, [ticketId]);
    return rows[0]?.customer_id ?? ticketId;
  }

  async insert(manager: EntityManager, ticket: KnownTicket): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.table} (ticket_id, customer_id, customer_name, customer_contact, device_model, problem, state, assignee_id, assignee_role)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (ticket_id) DO NOTHING`,
      [
        ticket.ticketId,
        ticket.customerId ?? null,
        ticket.customerName,
        ticket.customerContact,
        ticket.deviceModel,
        ticket.problem,
        ticket.state,
        ticket.assigneeId ?? null,
        ticket.assigneeRole ?? null,
      ],
    );
  }

  async setAssignee(manager: EntityManager, ticketId: string, assignee: { id: string; role: string }): Promise<void> {
    await manager.query(`UPDATE ${this.table} SET assignee_id = $2, assignee_role = $3 WHERE ticket_id = $1`, [ticketId, assignee.id, assignee.role]);
  }

  async setState(manager: EntityManager, ticketId: string, state: string): Promise<void> {
    await manager.query(`UPDATE ${this.table} SET state = $2 WHERE ticket_id = $1`, [ticketId, state]);
  }
}

function toKnownTicket(row: Row): KnownTicket {
  return {
    ticketId: row.ticket_id,
    ...(row.customer_id ? { customerId: row.customer_id } : {}),
    customerName: row.customer_name,
    customerContact: row.customer_contact,
    deviceModel: row.device_model,
    problem: row.problem,
    state: row.state,
    ...(row.assignee_id ? { assigneeId: row.assignee_id } : {}),
    ...(row.assignee_role ? { assigneeRole: row.assignee_role } : {}),
  };
}
