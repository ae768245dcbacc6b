import { EntityManager } from 'typeorm';
import { EventCatalogue, NewEvent, RecordedEvent } from '@support/contracts';
import { chainHash, ChainVerification, GENESIS_HASH, verifyChain } from './hash-chain';
import { lockForTransaction, qualified } from './sql-names';

/** Anything that runs SQL: a DataSource, or an EntityManager inside a transaction. */
export type SqlExecutor = Pick<EntityManager, 'query'>;

/** Told about every append, inside the appending transaction (the outbox is one). */
export interface AppendListener {
  onAppended(manager: EntityManager, events: RecordedEvent[]): Promise<void>;
}

export interface AppendRequest {
  streamType: string;
  streamId: string;
  /** the version the caller decided on; 0 for a new stream, 'any' to skip the check */
  expectedVersion: number | 'any';
  events: NewEvent[];
}

export type AppendResult =
  | { ok: true; version: number; events: RecordedEvent[]; duplicate: boolean }
  | { ok: false; reason: 'version-conflict'; streamId: string; expectedVersion: number; currentVersion: number };

/** A position in the global order: (transaction id, position) */
export interface GlobalCheckpoint {
  transactionId: string;
  position: string;
}

export class EventValidationError extends Error {}

interface EventRow {
  global_position: string;
  transaction_id: string;
  event_id: string;
  stream_id: string;
  stream_type: string;
  version: number;
  type: string;
  data: unknown;
  metadata: RecordedEvent['metadata'];
  occurred_at: Date;
  prev_hash: string;
  hash: string;
}

const COLUMNS = 'global_position, transaction_id, event_id, stream_id, stream_type, version, type, data, metadata, occurred_at, prev_hash, hash';

/**
 * The event store of one service, in that service's schema.
 * Appends are serialised per stream with a transaction-scoped advisory lock taken before the
 * transaction's first write, so a stream's later events always get a later transaction id:
 * that keeps per-stream order when readers (and the outbox relay) go by transaction id.
 */
export class EventStore {
  private readonly events: string;

  constructor(
    private readonly schema: string,
    private readonly catalogue?: EventCatalogue,
    private readonly listeners: AppendListener[] = [],
  ) {
    this.events = qualified(schema, 'events');
  }

  addListener(listener: AppendListener): void {
    this.listeners.push(listener);
  }

  /** Appends to one stream. Must run inside a transaction, before any other write of it. */
  async append(manager: EntityManager, request: AppendRequest): Promise<AppendResult> {
    const [result] = await this.appendAll(manager, [request]);
    return result;
  }

  /**
   * Appends to several streams atomically (e.g. a new customer and their first ticket).
   * Either every request succeeds, or nothing is written and the first failure is returned.
   */
  async appendAll(manager: EntityManager, requests: AppendRequest[]): Promise<AppendResult[]> {
    await this.assertNoEarlierWrite(manager);
    this.validate(requests);
    const streamIds = [...new Set(requests.map((r) => r.streamId))].sort();
    for (const streamId of streamIds) {
      await lockForTransaction(manager, `${this.schema}:stream:${streamId}`);
    }

    const planned: Array<{ request: AppendRequest; current: { version: number; hash: string } } | AppendResult> = [];
    for (const request of requests) {
      const existing = await this.findDuplicates(manager, request);
      if (existing) {
        planned.push(existing);
        continue;
      }
      const current = await this.head(manager, request.streamId);
      if (request.expectedVersion !== 'any' && request.expectedVersion !== current.version) {
        return [{ ok: false, reason: 'version-conflict', streamId: request.streamId, expectedVersion: request.expectedVersion, currentVersion: current.version }];
      }
      planned.push({ request, current });
    }

    const results: AppendResult[] = [];
    const appended: RecordedEvent[] = [];
    for (const plan of planned) {
      if ('ok' in plan) {
        results.push(plan);
        continue;
      }
      const recorded = await this.insert(manager, plan.request, plan.current);
      appended.push(...recorded);
      results.push({ ok: true, version: plan.current.version + recorded.length, events: recorded, duplicate: false });
    }
    for (const listener of this.listeners) await listener.onAppended(manager, appended);
    return results;
  }

  async readStream(executor: SqlExecutor, streamId: string): Promise<RecordedEvent[]> {
    const rows: EventRow[] = await executor.query(`SELECT ${COLUMNS} FROM ${this.events} WHERE stream_id = $1 ORDER BY version`, [streamId]);
    return rows.map(toRecorded);
  }

  /** every stream of one type, each in version order (for rebuilding a projection of that type) */
  async readStreamsOfType(executor: SqlExecutor, streamType: string): Promise<Map<string, RecordedEvent[]>> {
    const rows: EventRow[] = await executor.query(`SELECT ${COLUMNS} FROM ${this.events} WHERE stream_type = $1 ORDER BY stream_id, version`, [streamType]);
    const streams = new Map<string, RecordedEvent[]>();
    for (const event of rows.map(toRecorded)) streams.set(event.streamId, [...(streams.get(event.streamId) ?? []), event]);
    return streams;
  }

  async streamVersion(executor: SqlExecutor, streamId: string): Promise<number> {
    return (await this.head(executor, streamId)).version;
  }

  /**
   * Events after a checkpoint in global order. Only transactions older than every transaction still
   * running are read, so a transaction that commits late is never skipped.
   */
  async readAll(executor: SqlExecutor, after: GlobalCheckpoint | null, limit = 500): Promise<RecordedEvent[]> {
    const from = after ?? { transactionId: '0', position: '0' };
    const rows: EventRow[] = await executor.query(
      `SELECT ${COLUMNS} FROM ${this.events}
        WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
          AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY transaction_id, global_position
        LIMIT $3`,
      [from.transactionId, from.position, limit],
    );
    return rows.map(toRecorded);
  }

  async verifyStream(executor: SqlExecutor, streamId: string): Promise<ChainVerification> {
    const events = await this.readStream(executor, streamId);
    return verifyChain(events.map((event) => ({ streamId, version: event.version, event, prevHash: event.prevHash, hash: event.hash })));
  }

  private async assertNoEarlierWrite(manager: EntityManager): Promise<void> {
    if (!manager.queryRunner?.isTransactionActive) throw new Error('EventStore.append must run inside a transaction');
    const [{ xid }] = await manager.query('SELECT pg_current_xact_id_if_assigned()::text AS xid');
    if (xid !== null) throw new Error('EventStore.append must be the first write of its transaction (per-stream order depends on it)');
  }

  private validate(requests: AppendRequest[]): void {
    if (!this.catalogue) return;
    for (const event of requests.flatMap((r) => r.events)) {
      const result = this.catalogue.validate(event.type, event.data);
      if (!result.ok) throw new EventValidationError(`${event.type} does not match its schema: ${result.errors.join('; ')}`);
    }
  }

  /** an append whose event ids are all stored already is a no-op that returns what was stored */
  private async findDuplicates(manager: EntityManager, request: AppendRequest): Promise<AppendResult | null> {
    const ids = request.events.map((e) => e.id);
    const rows: EventRow[] = await manager.query(`SELECT ${COLUMNS} FROM ${this.events} WHERE event_id = ANY($1::uuid[]) ORDER BY version`, [ids]);
    if (rows.length === 0) return null;
    if (rows.length !== ids.length) throw new Error(`append to ${request.streamId} mixes stored and new event ids`);
    const recorded = rows.map(toRecorded);
    return { ok: true, version: recorded[recorded.length - 1].version, events: recorded, duplicate: true };
  }

  private async head(executor: SqlExecutor, streamId: string): Promise<{ version: number; hash: string }> {
    const rows: Array<{ version: number; hash: string }> = await executor.query(
      `SELECT version, hash FROM ${this.events} WHERE stream_id = $1 ORDER BY version DESC LIMIT 1`,
      [streamId],
    );
    return rows[0] ?? { version: 0, hash: GENESIS_HASH };
  }

  private async insert(manager: EntityManager, request: AppendRequest, current: { version: number; hash: string }): Promise<RecordedEvent[]> {
    const values: unknown[] = [];
    const tuples: string[] = [];
    let prevHash = current.hash;
    request.events.forEach((event, index) => {
      const version = current.version + index + 1;
      const hash = chainHash(prevHash, { streamId: request.streamId, version, event });
      const base = values.length;
      tuples.push(`(${Array.from({ length: 10 }, (_, i) => `$${base + i + 1}`).join(', ')})`);
      values.push(event.id, request.streamId, request.streamType, version, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata), event.occurredAt, prevHash, hash);
      prevHash = hash;
    });
    const rows: EventRow[] = await manager.query(
      `INSERT INTO ${this.events} (event_id, stream_id, stream_type, version, type, data, metadata, occurred_at, prev_hash, hash)
       VALUES ${tuples.join(', ')} RETURNING ${COLUMNS}`,
      values,
    );
    return rows.map(toRecorded);
  }
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    type: row.type,
    data: row.data,
    occurredAt: row.occurred_at,
    metadata: row.metadata,
    streamId: row.stream_id,
    streamType: row.stream_type,
    version: row.version,
    globalPosition: row.global_position,
    transactionId: row.transaction_id,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
