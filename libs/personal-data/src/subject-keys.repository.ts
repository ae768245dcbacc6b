import { EntityManager } from 'typeorm';
import { qualified, SqlExecutor } from '@support/event-store';
import { KeyEncryptionKey } from './key-encryption-key';
import { DataKey } from './sealed-values';

/** the table every subject's data key is kept in (createSubjectKeysTable), in the keyring schema */
export const SUBJECT_KEYS_TABLE = 'subject_keys';

interface KeyRow {
  subject_id: string;
  wrapped_key: Buffer | null;
  kek_id: string | null;
  data_key: Buffer | null;
}

/**
 * The data keys of the people personal data is about (customers), stored wrapped with the key-encryption
 * key. A subject maps to their key, to null once it was destroyed (erased), and is missing when nothing of
 * theirs was ever sealed. A key stored clear by an earlier version (`data_key`) opens too, until
 * {@link wrapClearKeys} wraps it.
 */
export class SubjectKeys {
  private readonly table: string;

  constructor(
    schema: string,
    private readonly kek: KeyEncryptionKey,
  ) {
    this.table = qualified(schema, SUBJECT_KEYS_TABLE);
  }

  async keysOf(executor: SqlExecutor, subjectIds: readonly string[]): Promise<Map<string, DataKey | null>> {
    if (subjectIds.length === 0) return new Map();
    const rows: KeyRow[] = await executor.query(`SELECT subject_id, wrapped_key, kek_id, data_key FROM ${this.table} WHERE subject_id = ANY($1::uuid[])`, [
      [...new Set(subjectIds)],
    ]);
    return new Map(rows.map((row) => [row.subject_id, this.open(row)]));
  }

  async createAll(manager: EntityManager, keys: ReadonlyArray<{ subjectId: string; key: DataKey; at: Date }>): Promise<void> {
    if (keys.length === 0) return;
    await manager.query(
      `INSERT INTO ${this.table} (subject_id, wrapped_key, kek_id, created_at) SELECT s, w, $3, a FROM unnest($1::uuid[], $2::bytea[], $4::timestamptz[]) AS k(s, w, a)`,
      [keys.map((k) => k.subjectId), keys.map((k) => this.kek.wrap(k.subjectId, k.key)), this.kek.id, keys.map((k) => k.at)],
    );
  }

  /**
   * Destroys the key, keeping a keyless row so nothing is sealed for the subject again. The old row
   * version lingers in the table file until vacuumed, and in WAL and backups for their retention; its
   * key is wrapped, so it opens nothing without the key-encryption key.
   */
  async destroy(manager: EntityManager, subjectId: string, at: Date): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.table} (subject_id, created_at, destroyed_at) VALUES ($1, $2, $2)
       ON CONFLICT (subject_id) DO UPDATE SET wrapped_key = NULL, kek_id = NULL, data_key = NULL, destroyed_at = EXCLUDED.destroyed_at`,
      [subjectId, at],
    );
  }

  /** Wraps the keys an earlier version stored clear; answers how many it wrapped. */
  async wrapClearKeys(manager: EntityManager): Promise<number> {
    const rows: Array<{ subject_id: string; data_key: Buffer }> = await manager.query(`SELECT subject_id, data_key FROM ${this.table} WHERE data_key IS NOT NULL FOR UPDATE`);
    for (const row of rows) {
      await manager.query(`UPDATE ${this.table} SET wrapped_key = $2, kek_id = $3, data_key = NULL WHERE subject_id = $1`, [
        row.subject_id,
        this.kek.wrap(row.subject_id, row.data_key),
        this.kek.id,
      ]);
    }
    return rows.length;
  }

  private open(row: KeyRow): DataKey | null {
    if (row.data_key) return row.data_key;
    if (!row.wrapped_key) return null;
    // a rotated key-encryption key: the rows wrapped with the old one need it (docs/security.md)
    if (row.kek_id !== this.kek.id) throw new Error(`the data key of ${row.subject_id} is wrapped with key-encryption key ${row.kek_id}, not the configured ${this.kek.id}`);
    return this.kek.unwrap(row.subject_id, row.wrapped_key);
  }
}
