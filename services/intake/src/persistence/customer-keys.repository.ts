import { EntityManager } from 'typeorm';
import { qualified, SqlExecutor } from '@support/event-store';

/**
 * The customers' data keys. A customer maps to their key, to null once it was destroyed (erased), and
 * is missing when nothing of theirs was ever sealed (registered before sealing existed).
 */
export class CustomerKeys {
  private readonly table: string;

  constructor(schema: string) {
    this.table = qualified(schema, 'customer_keys');
  }

  async keysOf(executor: SqlExecutor, customerIds: readonly string[]): Promise<Map<string, Buffer | null>> {
    if (customerIds.length === 0) return new Map();
    const rows: Array<{ customer_id: string; data_key: Buffer | null }> = await executor.query(
      `SELECT customer_id, data_key FROM ${this.table} WHERE customer_id = ANY($1::uuid[])`,
      [[...new Set(customerIds)]],
    );
    return new Map(rows.map((row) => [row.customer_id, row.data_key]));
  }

  async createAll(manager: EntityManager, keys: ReadonlyArray<{ customerId: string; key: Buffer; at: Date }>): Promise<void> {
    if (keys.length === 0) return;
    await manager.query(`INSERT INTO ${this.table} (customer_id, data_key, created_at) SELECT * FROM unnest($1::uuid[], $2::bytea[], $3::timestamptz[])`, [
      keys.map((k) => k.customerId),
      keys.map((k) => k.key),
      keys.map((k) => k.at),
    ]);
  }

  /**
   * Destroys the key, keeping a keyless row so nothing is sealed for the customer again. The old row
   * version lingers in the table file until vacuumed, and in WAL and backups for their retention.
   */
  async destroy(manager: EntityManager, customerId: string, at: Date): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.table} (customer_id, data_key, created_at, destroyed_at) VALUES ($1, NULL, $2, $2)
       ON CONFLICT (customer_id) DO UPDATE SET data_key = NULL, destroyed_at = EXCLUDED.destroyed_at`,
      [customerId, at],
    );
  }
}
