import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { DataSource, EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import { qualified } from './sql-names';
import { SqlExecutor } from './event-store';

export interface StoredResponse {
  requestHash: string;
  status: number;
  body: unknown;
}

/** A request body's fingerprint: the same key with another body is a client error, not a replay. */
export function requestFingerprint(body: unknown): string {
  return createHash('sha256').update(canonicalize(body ?? null) ?? '').digest('hex');
}

/**
 * First responses to creating requests, by Idempotency-Key. The key is saved in the transaction
 * that creates the thing, after its append, so a retried request either finds it or creates nothing.
 */
/** What a creating request came to: created (or replayed), the key reused with another body, or refused. */
export type OnceOutcome<Body, Refusal> = { replayed: boolean; status: number; body: Body } | { conflict: string } | { refused: Refusal };

/** ends a creating transaction without writing anything */
class CreationRefused<Refusal> extends Error {
  constructor(readonly refusal: Refusal) {
    super('creation refused');
  }
}

const KEY_RACE_RETRIES = 3;

export class IdempotencyStore {
  private readonly table: string;

  constructor(schema: string) {
    this.table = qualified(schema, 'idempotency_keys');
  }

  async find(executor: SqlExecutor, scope: string, key: string): Promise<StoredResponse | null> {
    const rows = await executor.query(`SELECT request_hash, status, body FROM ${this.table} WHERE scope = $1 AND key = $2`, [scope, key]);
    return rows[0] ? { requestHash: rows[0].request_hash, status: rows[0].status, body: rows[0].body } : null;
  }

  /** the stored answers of these keys, by key */
  async findAll(executor: SqlExecutor, scope: string, keys: readonly string[]): Promise<Map<string, StoredResponse>> {
    if (keys.length === 0) return new Map();
    const rows = await executor.query(`SELECT key, request_hash, status, body FROM ${this.table} WHERE scope = $1 AND key = ANY($2::text[])`, [scope, [...new Set(keys)]]);
    return new Map(rows.map((r: { key: string; request_hash: string; status: number; body: unknown }) => [r.key, { requestHash: r.request_hash, status: r.status, body: r.body }]));
  }

  /**
   * Runs a creating request at most once per key: `create` runs in a transaction that also stores its
   * answer under the key, so the same key and body later get that answer (`replayed`), another body a
   * conflict. A refusal writes and stores nothing. Without a key, `create` just runs.
   */
  async once<Body, Refusal>(
    dataSource: DataSource,
    scope: string,
    key: string | undefined,
    request: unknown,
    create: (manager: EntityManager) => Promise<{ status: number; body: Body } | { refused: Refusal }>,
  ): Promise<OnceOutcome<Body, Refusal>> {
    const requestHash = requestFingerprint(request);
    for (let attempt = 0; ; attempt++) {
      if (key !== undefined) {
        const stored = await this.find(dataSource, scope, key);
        if (stored && stored.requestHash !== requestHash) return { conflict: 'Idempotency-Key was already used with a different body' };
        if (stored) return { replayed: true, status: stored.status, body: stored.body as Body };
      }
      try {
        return await dataSource.transaction(async (manager) => {
          const created = await create(manager);
          if ('refused' in created) throw new CreationRefused(created.refused);
          if (key !== undefined) await this.save(manager, scope, key, { requestHash, status: created.status, body: created.body });
          return { replayed: false, ...created };
        });
      } catch (error) {
        if (error instanceof CreationRefused) return { refused: error.refusal as Refusal };
        // a concurrent request with the same key won: answer with its result
        if (key !== undefined && isUniqueViolation(error) && attempt < KEY_RACE_RETRIES) continue;
        throw error;
      }
    }
  }

  /** Throws a unique violation (23505) when a concurrent request saved the same key first. */
  async save(manager: EntityManager, scope: string, key: string, response: StoredResponse): Promise<void> {
    await this.saveAll(manager, scope, [{ key, ...response }]);
  }

  /** {@link save} for several keys in one statement */
  async saveAll(manager: EntityManager, scope: string, responses: ReadonlyArray<StoredResponse & { key: string }>): Promise<void> {
    if (responses.length === 0) return;
    await manager.query(
      `INSERT INTO ${this.table} (scope, key, request_hash, status, body)
       SELECT $1, key, request_hash, status, body FROM jsonb_to_recordset($2::jsonb) AS r(key text, request_hash text, status integer, body jsonb)`,
      [scope, JSON.stringify(responses.map((r) => ({ key: r.key, request_hash: r.requestHash, status: r.status, body: r.body })))],
    );
  }
}

export function idempotencyMigration(schema: string): new () => MigrationInterface {
  const table = qualified(schema, 'idempotency_keys');
  return class IdempotencyKeys1763900000050 implements MigrationInterface {
    name = 'IdempotencyKeys1763900000050';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE ${table} (
          scope text NOT NULL,
          key text NOT NULL,
          request_hash char(64) NOT NULL,
          status integer NOT NULL,
          body jsonb NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (scope, key)
        )`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE ${table}`);
    }
  };
}

/** true when a pg error is a unique violation */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string })?.code === '23505' || (error as { driverError?: { code?: string } })?.driverError?.code === '23505';
}
