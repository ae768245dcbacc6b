import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
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
export class IdempotencyStore {
  private readonly table: string;

  constructor(schema: string) {
    this.table = qualified(schema, 'idempotency_keys');
  }

  async find(executor: SqlExecutor, scope: string, key: string): Promise<StoredResponse | null> {
    const rows = await executor.query(`SELECT request_hash, status, body FROM ${this.table} WHERE scope = $1 AND key = $2`, [scope, key]);
    return rows[0] ? { requestHash: rows[0].request_hash, status: rows[0].status, body: rows[0].body } : null;
  }

  /** Throws a unique violation (23505) when a concurrent request saved the same key first. */
  async save(manager: EntityManager, scope: string, key: string, response: StoredResponse): Promise<void> {
    await manager.query(`INSERT INTO ${this.table} (scope, key, request_hash, status, body) VALUES ($1, $2, $3, $4, $5)`, [
      scope,
      key,
      response.requestHash,
      response.status,
      JSON.stringify(response.body),
    ]);
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
