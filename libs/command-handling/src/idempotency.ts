import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { DataSource, EntityManager } from 'typeorm';
import { Clock, DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS, systemClock } from '@support/contracts';
import { qualified, SqlExecutor } from '@support/event-store';

export interface StoredResponse {
  requestHash: string;
  status: number;
  body: unknown;
}

/**
 * Whose keys and for what: a key is its caller's own (the token's `sub`), per operation, so two
 * clients that happen to pick the same key never get each other's answers.
 */
export interface IdempotencyScope {
  operation: string;
  caller: string;
}

/** One caller's key, as {@link IdempotencyStore.findAll} and {@link IdempotencyStore.saveAll} take several at once. */
export interface CallerKey {
  caller: string;
  key: string;
}

/** What {@link IdempotencyStore} is built with; both optional. */
export interface IdempotencyOptions {
  /** how long a key's answer is replayed; after that the key is new again (default 24 h) */
  ttlSeconds?: number;
  /** when "now" is (tests move it) */
  clock?: Clock;
}

/** The message of a key reused with another body (answered 422, draft-ietf-httpapi-idempotency-key-header). */
export const IDEMPOTENCY_KEY_REUSED = 'Idempotency-Key was already used with a different body';

/** A request body's fingerprint: the same key with another body is a client error, not a replay. */
export function requestFingerprint(body: unknown): string {
  return createHash('sha256')
    .update(canonicalize(body ?? null) ?? '')
    .digest('hex');
}

/** The map key of a caller's key in {@link IdempotencyStore.findAll}'s answer. */
export function callerKeyId({ caller, key }: CallerKey): string {
  // a newline is no visible ASCII: it cannot occur in a key
  return `${caller}\n${key}`;
}

/** What a caller's key holds for a request: its first answer, the key reused with another request, or nothing (yet, or any more). */
export type Recalled = { answer: { status: number; body: unknown } } | { keyReused: string } | null;

/** A store's answers over one data source, for requests that run in transactions of their own (the kit's Idempotency-Key interceptor). */
export interface AnswersOnDataSource {
  recall(scope: IdempotencyScope, key: string, request: unknown): Promise<Recalled>;
  remember(scope: IdempotencyScope, key: string, request: unknown, answer: { status: number; body: unknown }): Promise<void>;
}

/** What a creating request came to: created (or replayed), the key reused with another body, or refused. */
export type OnceOutcome<Body, Refusal> = { replayed: boolean; status: number; body: Body } | { keyReused: string } | { refused: Refusal };

/** What creating a request answers: its status and body, or a refusal (which writes nothing). */
export type Creation<Body, Refusal> = { status: number; body: Body } | { refused: Refusal };

/** A creating request of {@link IdempotencyStore.onceAll}: its caller's key (when it has one) and what it asks for. */
export interface KeyedRequest {
  caller: string;
  key?: string;
  request: unknown;
}

/** ends a creating transaction without writing anything */
class CreationRefused<Refusal> extends Error {
  constructor(readonly refusal: Refusal) {
    super('creation refused');
  }
}

const KEY_RACE_RETRIES = 3;
// expired keys other writes clear on their way, at most this many per write
const SWEEP_BATCH = 100;

/**
 * First responses to state-changing requests, by Idempotency-Key, per caller and operation. The key
 * is saved in the transaction that makes the change, after its append, so a retried request either
 * finds it or changes nothing. A key expires after its time to live: then it is new again, and the
 * writes that follow delete it (stored answers are not part of the hash-chained record).
 */
export class IdempotencyStore {
  private readonly table: string;
  private readonly ttlSeconds: number;
  private readonly clock: Clock;

  constructor(schema: string, options: IdempotencyOptions = {}) {
    this.table = qualified(schema, 'idempotency_keys');
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS;
    this.clock = options.clock ?? systemClock;
  }

  /** the answer stored under the caller's key, unless it has expired */
  async find(executor: SqlExecutor, scope: IdempotencyScope, key: string): Promise<StoredResponse | null> {
    return (await this.findAll(executor, scope.operation, [{ caller: scope.caller, key }])).get(callerKeyId({ caller: scope.caller, key })) ?? null;
  }

  /** what the caller's key holds for `request`: its first answer, the key reused with another, or nothing */
  async recall(executor: SqlExecutor, scope: IdempotencyScope, key: string, request: unknown): Promise<Recalled> {
    const stored = await this.find(executor, scope, key);
    if (!stored) return null;
    return stored.requestHash === requestFingerprint(request) ? { answer: { status: stored.status, body: stored.body } } : { keyReused: IDEMPOTENCY_KEY_REUSED };
  }

  /**
   * This store over a data source, for requests whose change commits before their answer is kept:
   * a concurrent request that kept its answer first wins, and later retries get that one.
   */
  answersOn(dataSource: DataSource): AnswersOnDataSource {
    return {
      recall: (scope, key, request) => this.recall(dataSource, scope, key, request),
      remember: async (scope, key, request, answer) => {
        try {
          await dataSource.transaction((manager) => this.save(manager, scope, key, { requestHash: requestFingerprint(request), ...answer }));
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
        }
      },
    };
  }

  /** the unexpired answers stored under these callers' keys, by {@link callerKeyId} */
  async findAll(executor: SqlExecutor, operation: string, keys: readonly CallerKey[]): Promise<Map<string, StoredResponse>> {
    if (keys.length === 0) return new Map();
    const rows = await executor.query(
      `SELECT t.caller, t.key, t.request_hash, t.status, t.body
         FROM ${this.table} t JOIN jsonb_to_recordset($2::jsonb) AS k(caller text, key text) ON t.caller = k.caller AND t.key = k.key
        WHERE t.scope = $1 AND t.expires_at > $3`,
      [operation, JSON.stringify(keys.map(({ caller, key }) => ({ caller, key }))), this.clock.now()],
    );
    return new Map(
      rows.map((r: { caller: string; key: string; request_hash: string; status: number; body: unknown }) => [
        callerKeyId(r),
        { requestHash: r.request_hash, status: r.status, body: r.body },
      ]),
    );
  }

  /**
   * Runs a state-changing request at most once per caller's key: `create` runs in a transaction that
   * also stores its answer under the key, so the same key and body later get that answer (`replayed`),
   * another body `keyReused`. A refusal writes and stores nothing. Without a key, `create` just runs.
   */
  async once<Body, Refusal>(
    dataSource: DataSource,
    scope: IdempotencyScope,
    key: string | undefined,
    request: unknown,
    create: (manager: EntityManager) => Promise<Creation<Body, Refusal>>,
  ): Promise<OnceOutcome<Body, Refusal>> {
    const requestHash = requestFingerprint(request);
    for (let attempt = 0; ; attempt++) {
      const recalled = key === undefined ? null : await this.recall(dataSource, scope, key, request);
      if (recalled && 'keyReused' in recalled) return recalled;
      if (recalled) return { replayed: true, status: recalled.answer.status, body: recalled.answer.body as Body };
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

  /**
   * {@link once} for a group of requests (one caller's key at most once among them): the stored answers
   * replayed, the rest created together by `createAll` in one transaction that also stores their answers
   * (outcomes in the order given). Throws when another transaction saved one of the keys first: the
   * caller then writes each request alone (GroupCommit does), where {@link once} answers the race.
   */
  async onceAll<R extends KeyedRequest, Body, Refusal>(
    dataSource: DataSource,
    operation: string,
    requests: readonly R[],
    createAll: (manager: EntityManager, fresh: R[]) => Promise<Array<Creation<Body, Refusal>>>,
  ): Promise<Array<OnceOutcome<Body, Refusal>>> {
    const keyOf = (r: R): CallerKey | undefined => (r.key === undefined ? undefined : { caller: r.caller, key: r.key });
    const stored = await this.findAll(
      dataSource,
      operation,
      requests.flatMap((r) => keyOf(r) ?? []),
    );
    const outcomes: Array<OnceOutcome<Body, Refusal>> = [];
    const fresh: Array<{ index: number; request: R; requestHash: string }> = [];
    for (const [index, request] of requests.entries()) {
      const requestHash = requestFingerprint(request.request);
      const key = keyOf(request);
      const answer = key && stored.get(callerKeyId(key));
      if (answer && answer.requestHash !== requestHash) outcomes[index] = { keyReused: IDEMPOTENCY_KEY_REUSED };
      else if (answer) outcomes[index] = { replayed: true, status: answer.status, body: answer.body as Body };
      else fresh.push({ index, request, requestHash });
    }
    if (fresh.length === 0) return outcomes;
    await dataSource.transaction(async (manager) => {
      const created = await createAll(
        manager,
        fresh.map(({ request }) => request),
      );
      const answers = fresh.flatMap(({ request, requestHash }, i) => {
        const outcome = created[i];
        const key = keyOf(request);
        return key && 'status' in outcome ? [{ ...key, requestHash, status: outcome.status, body: outcome.body }] : [];
      });
      await this.saveAll(manager, operation, answers);
      fresh.forEach(({ index }, i) => {
        const outcome = created[i];
        outcomes[index] = 'refused' in outcome ? outcome : { replayed: false, ...outcome };
      });
    });
    return outcomes;
  }

  /** Throws a unique violation (23505) when a concurrent request saved the same key first. */
  async save(manager: EntityManager, scope: IdempotencyScope, key: string, response: StoredResponse): Promise<void> {
    await this.saveAll(manager, scope.operation, [{ caller: scope.caller, key, ...response }]);
  }

  /**
   * {@link save} for several callers' keys in one statement. An expired answer under the same key
   * makes way for the new one; then a few other expired keys are deleted, skipping any another
   * transaction holds, so the cleanup never makes a write wait.
   */
  async saveAll(manager: EntityManager, operation: string, responses: ReadonlyArray<StoredResponse & CallerKey>): Promise<void> {
    if (responses.length === 0) return;
    const now = this.clock.now();
    const keys = JSON.stringify(responses.map(({ caller, key }) => ({ caller, key })));
    await manager.query(
      `DELETE FROM ${this.table} t USING jsonb_to_recordset($2::jsonb) AS k(caller text, key text)
        WHERE t.scope = $1 AND t.caller = k.caller AND t.key = k.key AND t.expires_at <= $3::timestamptz`,
      [operation, keys, now],
    );
    // a handler that answers nothing leaves a JSON null, which jsonb_to_recordset reads as SQL NULL
    await manager.query(
      `INSERT INTO ${this.table} (scope, caller, key, request_hash, status, body, created_at, expires_at)
       SELECT $1, caller, key, request_hash, status, COALESCE(body, 'null'::jsonb), $3::timestamptz, $3::timestamptz + make_interval(secs => $4::double precision)
         FROM jsonb_to_recordset($2::jsonb) AS r(caller text, key text, request_hash text, status integer, body jsonb)`,
      [operation, JSON.stringify(responses.map((r) => ({ caller: r.caller, key: r.key, request_hash: r.requestHash, status: r.status, body: r.body }))), now, this.ttlSeconds],
    );
    await this.deleteExpired(manager, SWEEP_BATCH);
  }

  /** Deletes up to `limit` expired keys (none that another transaction holds); returns how many. */
  async deleteExpired(executor: SqlExecutor, limit: number): Promise<number> {
    const rows = await executor.query(
      `DELETE FROM ${this.table} WHERE ctid IN (SELECT ctid FROM ${this.table} WHERE expires_at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING 1`,
      [this.clock.now(), limit],
    );
    return rows.length;
  }
}

/** true when a pg error is a unique violation */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string })?.code === '23505' || (error as { driverError?: { code?: string } })?.driverError?.code === '23505';
}
