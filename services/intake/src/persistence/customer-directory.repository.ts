import { EntityManager } from 'typeorm';
import { ERASED } from '@support/contracts';
import { lockAllForTransaction, qualified, SqlExecutor } from '@support/event-store';

export interface Contact {
  phone?: string;
  wechat?: string;
}

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

  /** serialises ticket intake per contact, so one customer is never registered twice; sorted, so two batches never deadlock */
  async lockContacts(manager: EntityManager, contacts: ReadonlyArray<Contact>): Promise<void> {
    const keys = new Set(contacts.flatMap((c) => [c.phone && `phone:${c.phone}`, c.wechat && `wechat:${c.wechat}`].filter((k): k is string => Boolean(k))));
    await lockAllForTransaction(
      manager,
      [...keys].sort().map((key) => `${this.schema}:contact:${key}`),
    );
  }

  /** for each contact, the earliest customer either its phone or its WeChat id belongs to (null: none), in one query */
  async findByContacts(executor: SqlExecutor, contacts: ReadonlyArray<Contact>): Promise<Array<CustomerRecord | null>> {
    const phones = contacts.flatMap((c) => (c.phone ? [c.phone] : []));
    const wechats = contacts.flatMap((c) => (c.wechat ? [c.wechat] : []));
    if (phones.length + wechats.length === 0) return contacts.map(() => null);
    const rows = await executor.query(`SELECT * FROM ${this.table} WHERE phone = ANY($1::text[]) OR wechat = ANY($2::text[]) ORDER BY registered_at, customer_id`, [
      phones,
      wechats,
    ]);
    const records: CustomerRecord[] = rows.map(toRecord);
    return contacts.map((contact) => records.find((record) => sharesContact(record, contact)) ?? null);
  }

  async get(executor: SqlExecutor, customerId: string): Promise<CustomerRecord | null> {
    const rows = await executor.query(`SELECT * FROM ${this.table} WHERE customer_id = $1`, [customerId]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async registerAll(manager: EntityManager, customers: ReadonlyArray<CustomerRecord>): Promise<void> {
    if (customers.length === 0) return;
    await manager.query(
      `INSERT INTO ${this.table} (customer_id, name, phone, wechat, registered_at)
       SELECT id, name, phone, wechat, "registeredAt" FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, name text, phone text, wechat text, "registeredAt" timestamptz)`,
      [JSON.stringify(customers)],
    );
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

/** a phone or WeChat id in common */
export function sharesContact(a: Contact, b: Contact): boolean {
  return (a.phone !== undefined && a.phone === b.phone) || (a.wechat !== undefined && a.wechat === b.wechat);
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
