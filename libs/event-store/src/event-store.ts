import { EntityManager } from 'typeorm';
import { EventCatalogue, NewEvent, RecordedEvent } from '@support/contracts';
import { chainHash, ChainVerification, CURRENT_HASH_SCHEME, GENESIS_HASH, verifyRecordedChain } from './hash-chain';
import { LOCK_ALL_KEYS_SQL, qualified } from './sql-names';

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
  hash_scheme: number;
}

const COLUMNS = 'global_position, transaction_id, event_id, stream_id, stream_type, version, type, data, metadata, occurred_at, prev_hash, hash, hash_scheme';

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
   * Appends to several streams atomically (e.g. a new customer and their first ticket, or a batch of
   * clocks). Either every request succeeds, or nothing is written and the first failure is returned.
   * Each step is one statement for all streams (locks, duplicate check, heads, insert), so a batch of
   * a hundred streams costs about what one does.
   */
  async appendAll(manager: EntityManager, requests: AppendRequest[]): Promise<AppendResult[]> {
    this.validate(requests);
    const streamIds = [...new Set(requests.map((r) => r.streamId))].sort();
    await this.lockStreamsAsFirstWrite(manager, streamIds);
    const { stored, heads } = await this.storedEventsAndHeads(manager, requests.flatMap((r) => r.events.map((e) => e.id)), streamIds);
    const planned: Array<{ request: AppendRequest; current: StreamHead; links: ChainedEvent[] } | AppendResult> = [];
    for (const request of requests) {
      const existing = duplicateOf(request, stored);
      if (existing) {
        planned.push(existing);
        continue;
      }
      const current = heads.get(request.streamId) ?? { version: 0, hash: GENESIS_HASH };
      if (request.expectedVersion !== 'any' && request.expectedVersion !== current.version) {
        return [{ ok: false, reason: 'version-conflict', streamId: request.streamId, expectedVersion: request.expectedVersion, currentVersion: current.version }];
      }
      const links = chain(request, current);
      planned.push({ request, current, links });
      // a later request to the same stream continues where this one ends
      if (links.length > 0) heads.set(request.streamId, links[links.length - 1]);
    }

    const recorded = await this.insert(manager, planned.flatMap((plan) => ('ok' in plan ? [] : plan.links)));
    const results = planned.map((plan): AppendResult => {
      if ('ok' in plan) return plan;
      const events = plan.request.events.map((event) => recorded.get(event.id) as RecordedEvent);
      return { ok: true, version: plan.current.version + events.length, events, duplicate: false };
    });
    const appended = results.flatMap((result) => (result.ok && !result.duplicate ? result.events : []));
    for (const listener of this.listeners) await listener.onAppended(manager, appended);
    return results;
  }

  async readStream(executor: SqlExecutor, streamId: string): Promise<RecordedEvent[]> {
    const rows: EventRow[] = await executor.query(`SELECT ${COLUMNS} FROM ${this.events} WHERE stream_id = $1 ORDER BY version`, [streamId]);
    return rows.map(toRecorded);
  }

  /** several streams in one query, each in version order; a stream with no events maps to [] */
  async readStreams(executor: SqlExecutor, streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    // one index scan per stream: with `stream_id = ANY(...)` the planner chose a parallel scan of the
    // whole table whenever its row estimate was stale (50 ms at 40,000 events, growing with the table)
    const rows: EventRow[] = await executor.query(
      `SELECT e.* FROM unnest($1::text[]) AS s(id)
         CROSS JOIN LATERAL (SELECT ${COLUMNS} FROM ${this.events} WHERE stream_id = s.id ORDER BY version) e`,
      [streamIds],
    );
    return groupByStream(rows.map(toRecorded), streamIds);
  }

  /** every stream of one type, each in version order (for rebuilding a projection of that type) */
  async readStreamsOfType(executor: SqlExecutor, streamType: string): Promise<Map<string, RecordedEvent[]>> {
    const rows: EventRow[] = await executor.query(`SELECT ${COLUMNS} FROM ${this.events} WHERE stream_type = $1 ORDER BY stream_id, version`, [streamType]);
    return groupByStream(rows.map(toRecorded));
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
    return verifyRecordedChain(await this.readStream(executor, streamId));
  }

  /**
   * Locks the streams (sorted: two appends never deadlock) and checks, in the same statement, that the
   * transaction has written nothing yet: per-stream order depends on the append taking the transaction id.
   */
  private async lockStreamsAsFirstWrite(manager: EntityManager, streamIds: string[]): Promise<void> {
    if (!manager.queryRunner?.isTransactionActive) throw new Error('EventStore.append must run inside a transaction');
    const [{ xid }] = await manager.query(
      `SELECT pg_current_xact_id_if_assigned()::text AS xid,
              ${LOCK_ALL_KEYS_SQL} AS locked`,
      [streamIds.map((streamId) => `${this.schema}:stream:${streamId}`)],
    );
    if (xid !== null) throw new Error('EventStore.append must be the first write of its transaction (per-stream order depends on it)');
  }

  private validate(requests: AppendRequest[]): void {
    if (!this.catalogue) return;
    for (const event of requests.flatMap((r) => r.events)) {
      const result = this.catalogue.validate(event.type, event.data);
      if (!result.ok) throw new EventValidationError(`${event.type} does not match its schema: ${result.errors.join('; ')}`);
    }
  }

  /**
   * In one query: the stored events among these ids, by id (an append whose ids are all stored is a
   * no-op), and the last version and hash of each of these streams that has events.
   */
  private async storedEventsAndHeads(executor: SqlExecutor, ids: string[], streamIds: string[]): Promise<{ stored: Map<string, RecordedEvent>; heads: Map<string, StreamHead> }> {
    const rows: Array<EventRow & { is_head: boolean }> = await executor.query(
      `SELECT false AS is_head, ${COLUMNS} FROM ${this.events} WHERE event_id = ANY($1::uuid[])
       UNION ALL
       SELECT true, h.* FROM unnest($2::text[]) AS s(id)
         CROSS JOIN LATERAL (SELECT ${COLUMNS} FROM ${this.events} WHERE stream_id = s.id ORDER BY version DESC LIMIT 1) h`,
      [ids, streamIds],
    );
    const stored = new Map(rows.filter((row) => !row.is_head).map((row) => [row.event_id, toRecorded(row)]));
    const heads = new Map(rows.filter((row) => row.is_head).map((row) => [row.stream_id, { version: row.version, hash: row.hash }]));
    return { stored, heads };
  }

  private async head(executor: SqlExecutor, streamId: string): Promise<StreamHead> {
    return (await this.heads(executor, [streamId])).get(streamId) ?? { version: 0, hash: GENESIS_HASH };
  }

  /** the last version and hash of each stream that has events */
  private async heads(executor: SqlExecutor, streamIds: string[]): Promise<Map<string, StreamHead>> {
    const rows: Array<{ stream_id: string; version: number; hash: string }> = await executor.query(
      `SELECT h.stream_id, h.version, h.hash FROM unnest($1::text[]) AS s(id)
         CROSS JOIN LATERAL (SELECT stream_id, version, hash FROM ${this.events} WHERE stream_id = s.id ORDER BY version DESC LIMIT 1) h`,
      [streamIds],
    );
    return new Map(rows.map((row) => [row.stream_id, { version: row.version, hash: row.hash }]));
  }

  /** every planned event in one statement */
  private async insert(manager: EntityManager, links: ChainedEvent[]): Promise<Map<string, RecordedEvent>> {
    if (links.length === 0) return new Map();
    const values: unknown[] = [];
    const tuples = links.map(({ streamId, streamType, version, event, prevHash, hash }) => {
      const base = values.length;
      values.push(event.id, streamId, streamType, version, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata), event.occurredAt, prevHash, hash, CURRENT_HASH_SCHEME);
      return `(${Array.from({ length: 11 }, (_, i) => `$${base + i + 1}`).join(', ')})`;
    });
    const rows: EventRow[] = await manager.query(
      `INSERT INTO ${this.events} (event_id, stream_id, stream_type, version, type, data, metadata, occurred_at, prev_hash, hash, hash_scheme)
       VALUES ${tuples.join(', ')} RETURNING ${COLUMNS}`,
      values,
    );
    return new Map(rows.map((row) => [row.event_id, toRecorded(row)]));
  }
}

interface StreamHead {
  version: number;
  hash: string;
}

function duplicateOf(request: AppendRequest, stored: Map<string, RecordedEvent>): AppendResult | null {
  const found = request.events.map((e) => stored.get(e.id)).filter((e): e is RecordedEvent => e !== undefined);
  if (found.length === 0) return null;
  if (found.length !== request.events.length) throw new Error(`append to ${request.streamId} mixes stored and new event ids`);
  const recorded = [...found].sort((a, b) => a.version - b.version);
  return { ok: true, version: recorded[recorded.length - 1].version, events: recorded, duplicate: true };
}

interface ChainedEvent extends StreamHead {
  streamId: string;
  streamType: string;
  event: NewEvent;
  prevHash: string;
}

/** a request's events with their versions and hashes, chained onto the stream's head */
function chain(request: AppendRequest, current: StreamHead): ChainedEvent[] {
  let prevHash = current.hash;
  return request.events.map((event, index) => {
    const version = current.version + index + 1;
    const hash = chainHash(prevHash, { streamId: request.streamId, streamType: request.streamType, version, event, scheme: CURRENT_HASH_SCHEME });
    const link = { streamId: request.streamId, streamType: request.streamType, version, event, prevHash, hash };
    prevHash = hash;
    return link;
  });
}

function groupByStream(events: RecordedEvent[], expected: readonly string[] = []): Map<string, RecordedEvent[]> {
  const streams = new Map<string, RecordedEvent[]>(expected.map((id) => [id, []]));
  for (const event of events) {
    const stream = streams.get(event.streamId);
    if (stream) stream.push(event);
    else streams.set(event.streamId, [event]);
  }
  return streams;
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
    hashScheme: row.hash_scheme,
  };
}
