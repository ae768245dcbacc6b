import { EntityManager } from 'typeorm';
import { qualified } from '@support/event-store';

/**
 * The messages intake's outbox keeps after sending them (messaging's table, in intake's schema). Those
 * written before personal data was published sealed hold it clear, so erasing a customer rewrites the
 * personal data in theirs (the sealed ones read `[erased]` without it).
 */
export class OutboxCopies {
  private readonly table: string;

  constructor(schema: string) {
    this.table = qualified(schema, 'outbox');
  }

  /** rewrites the payload of each message of these events with `erase(type, payload)` */
  async rewrite(manager: EntityManager, eventIds: readonly string[], erase: (type: string, payload: unknown) => unknown): Promise<void> {
    if (eventIds.length === 0) return;
    const rows: Array<{ position: string; type: string; payload: unknown }> = await manager.query(
      `SELECT position, headers->>'ce_type' AS type, payload FROM ${this.table} WHERE event_id = ANY($1::uuid[])`,
      [eventIds],
    );
    for (const row of rows) {
      await manager.query(`UPDATE ${this.table} SET payload = $2 WHERE position = $1`, [row.position, JSON.stringify(erase(row.type, row.payload))]);
    }
  }
}
