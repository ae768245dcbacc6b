import { EntityManager } from 'typeorm';
import { ERASED } from '@support/contracts';
import { lockForTransaction, qualified, SqlExecutor } from '@support/event-store';

export interface CustomerRecord {
  id: string;
  name: string;
  phone?: string;
  wechat?: string;
  registeredAt: string;
  /** set once the customer was erased: the name reads `[erased]`, phone and WeChat id are gone */
  erasedAt?: string;
}

/** Finds the customer a contact (phone or WeChat id) belongs to. */
export class CustomerDirectory {
  private readonly table: string;

  constructor(private readonly schema: string) {
    this.table = qualified(schema, 'customer_directory');
  }

  /** serialises ticket intake per contact, so one customer is never registered twice */
  async lockContacts(manager: EntityManager, contact: { phone?: string; wechat?: string }): Promise<void> {
    const keys = [contact.phone && `phone:${contact.phone}`, contact.wechat && `wechat:${contact.wechat}`].filter(Boolean).sort() as string[];
    for (const key of keys) await lockForTransaction(manager, `${this.schema}:contact:${key}`);
  }

  async findByContact(executor: SqlExecutor, contact: { phone?: string; wechat?: string }): Promise<CustomerRecord | null> {
    const rows = await executor.query(
      `SELECT * FROM ${this.table} WHERE ($1::text IS NOT NULL AND phone = $1) OR ($2::text IS NOT NULL AND wechat = $2) ORDER BY registered_at LIMIT 1`,
      [contact.phone ?? null, contact.wechat ?? null],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async get(executor: SqlExecutor, customerId: string): Promise<CustomerRecord | null> {
    const rows = await executor.query(`SELECT * FROM ${this.table} WHERE customer_id = $1`, [customerId]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async register(manager: EntityManager, customer: CustomerRecord): Promise<void> {
    await manager.query(`INSERT INTO ${this.table} (customer_id, name, phone, wechat, registered_at) VALUES ($1, $2, $3, $4, $5)`, [
      customer.id,
      customer.name,
      customer.phone ?? null,
      customer.wechat ?? null,
      customer.registeredAt,
    ]);
  }

  /** forgets the customer's personal data: no contact finds them again, the name reads `[erased]` */
  async erase(manager: EntityManager, customerId: string, at: Date): Promise<void> {
    await manager.query(`UPDATE ${this.table} SET name = $2, phone = NULL, wechat = NULL, erased_at = $3 WHERE customer_id = $1`, [customerId, ERASED, at]);
  }
}

interface CustomerRow {
  customer_id: string;
  name: string;
  phone: string | null;
  wechat: string | null;
  registered_at: Date;
  erased_at: Date | null;
}

function toRecord(row: CustomerRow): CustomerRecord {
  return {
    id: row.customer_id,
    name: row.name,
    ...(row.phone ? { phone: row.phone } : {}),
    ...(row.wechat ? { wechat: row.wechat } : {}),
    registeredAt: row.registered_at.toISOString(),
    ...(row.erased_at ? { erasedAt: row.erased_at.toISOString() } : {}),
  };
}
