import { EntityManager } from 'typeorm';
import { EventCatalogue, RecordedEvent } from '@support/contracts';
import { AppendPlan, AppendRequest, AppendResult, ChainedEvent, duplicateOf, EMPTY_STREAM, OutboxMessages, planAppend, statedHead, StreamHead } from './append-plan';
import { EVENT_COLUMNS, EventRow, groupByStream, toRecorded } from './event-rows';
import { ChainVerification, CURRENT_HASH_SCHEME, verifyRecordedChain } from './hash-chain';
import { preparedQuery } from './prepared-query';
import { recordedBy } from './recorded-by';
import { qualified } from './sql-names';

/** Anything that runs SQL: a DataSource, or an EntityManager inside a transaction. */
export type SqlExecutor = Pick<EntityManager, 'query'>;

/** A position in the global order: (transaction id, position) */
export interface GlobalCheckpoint {
  transactionId: string;
  position: string;
}

export class EventValidationError extends Error {}

/**
 * The event store of one service, in that service's schema. An append is one call of the schema's
 * `append_events` function (see append-function.migration.ts): it locks the streams, checks their heads
 * and inserts, so a caller may write anything else before or after it in its transaction.
 */
export class EventStore {
  private readonly events: string;
  private readonly appendFunction: string;

  constructor(
    private readonly schema: string,
    private readonly catalogue?: EventCatalogue,
  ) {
    this.events = qualified(schema, 'events');
    this.appendFunction = qualified(schema, 'append_events');
  }

  /** Appends to one stream. Must run inside a transaction. */
  async append(manager: EntityManager, request: AppendRequest): Promise<AppendResult> {
    const [result] = await this.appendAll(manager, [request]);
    return result;
  }

  /**
   * Appends to several streams atomically (e.g. a new customer and their first ticket, or a batch of
   * clocks). Either every request succeeds, or nothing is written and the first failure is returned.
   * One round trip for all of them when each request states its stream's head (`expectedVersion` 0, or
   * with `expectedHash`). With `outbox`, each appended event's Kafka message is written in the same call.
   * Services append through their command handling's AppendPipeline, which adds the outbox and other
   * stages in the same transaction.
   */
  async appendAll(manager: EntityManager, requests: AppendRequest[], outbox?: OutboxMessages): Promise<AppendResult[]> {
    this.validate(requests);
    if (!manager.queryRunner?.isTransactionActive) throw new Error('EventStore.append must run inside a transaction');
    return this.appendOrConflict(manager, requests, 0, outbox);
  }

  async readStream(executor: SqlExecutor, streamId: string): Promise<RecordedEvent[]> {
    const rows: EventRow[] = await executor.query(`SELECT ${EVENT_COLUMNS} FROM ${this.events} WHERE stream_id = $1 ORDER BY version`, [streamId]);
    return rows.map(toRecorded);
  }

  /** several streams in one query, each in version order; a stream with no events maps to [] */
  async readStreams(executor: SqlExecutor, streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    // one index scan per stream: with `stream_id = ANY(...)` the planner chose a parallel scan of the
    // whole table whenever its row estimate was stale (50 ms at 40,000 events, growing with the table)
    const rows: EventRow[] = await executor.query(
      `SELECT e.* FROM unnest($1::text[]) AS s(id)
         CROSS JOIN LATERAL (SELECT ${EVENT_COLUMNS} FROM ${this.events} WHERE stream_id = s.id ORDER BY version) e`,
      [streamIds],
    );
    return groupByStream(rows.map(toRecorded), streamIds);
  }

  /**
   * Every stream of one type, each in version order (a projection's rebuild). With `asOf`, each as it stood
   * at that instant, cut by {@link recordedBy} (a time-travel read, a replay of the whole type): a stream
   * with no event by then is left out. With `asOf` and `endingTypes`, so is a stream whose cut holds an event
   * of one of those types (a stream that had ended by then): a read of what was open at an instant then
   * costs what was open, not the whole history, in the service's memory (the database still scans the type).
   */
  async readStreamsOfType(
    executor: SqlExecutor,
    streamType: string,
    { asOf, endingTypes }: { asOf?: Date; endingTypes?: readonly string[] } = {},
  ): Promise<Map<string, RecordedEvent[]>> {
    const streams =
      asOf && endingTypes
        ? // two statements, not one: the open streams' ids, then their rows by the (stream_id, version) index, whatever the planner's statistics say
          await this.readStreams(executor, await this.openStreamIds(executor, streamType, asOf, endingTypes))
        : groupByStream(
            (
              await executor.query(
                // planned with its values (as every query here is), a null instant folds away: each form plans as a statement without the other's condition would
                `SELECT ${EVENT_COLUMNS} FROM ${this.events}
                  WHERE stream_type = $1 AND ($2::timestamptz IS NULL OR occurred_at <= $2)
                  ORDER BY stream_id, version`,
                [streamType, asOf ?? null],
              )
            ).map(toRecorded),
          );
    if (!asOf) return streams;
    const cut = new Map<string, RecordedEvent[]>();
    for (const [streamId, events] of streams) {
      const kept = recordedBy(events, asOf);
      if (kept.length > 0) cut.set(streamId, kept);
    }
    return cut;
  }

  /**
   * The streams of a type open at an instant: some event by then, and none of `endingTypes` in the prefix
   * {@link recordedBy} keeps (it ends at a stream's first event after the instant). Narrow columns only.
   */
  private async openStreamIds(executor: SqlExecutor, streamType: string, asOf: Date, endingTypes: readonly string[]): Promise<string[]> {
    const rows: Array<{ stream_id: string }> = await executor.query(
      `SELECT stream_id
         FROM (SELECT stream_id, type, bool_or(occurred_at > $2) OVER (PARTITION BY stream_id ORDER BY version) AS after_cut
                 FROM ${this.events} WHERE stream_type = $1) marked
        GROUP BY stream_id
       HAVING bool_or(NOT after_cut) AND NOT bool_or(NOT after_cut AND type = ANY($3::text[]))`,
      [streamType, asOf, endingTypes],
    );
    return rows.map((row) => row.stream_id);
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
      `SELECT ${EVENT_COLUMNS} FROM ${this.events}
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

  private validate(requests: AppendRequest[]): void {
    if (!this.catalogue) return;
    for (const event of requests.flatMap((r) => r.events)) {
      const result = this.catalogue.validate(event.type, event.data);
      if (!result.ok) throw new EventValidationError(`${event.type} does not match its schema: ${result.errors.join('; ')}`);
    }
  }

  private async head(executor: SqlExecutor, streamId: string): Promise<StreamHead> {
    return (await this.heads(executor, [streamId])).get(streamId) ?? EMPTY_STREAM;
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

  /** one attempt; a request that skips the version check ('any') is planned again when its stream moved meanwhile */
  private async appendOrConflict(manager: EntityManager, requests: AppendRequest[], attempt: number, outbox?: OutboxMessages): Promise<AppendResult[]> {
    if (requests.length === 0) return [];
    const { heads, read } = await this.startHeads(manager, requests);
    const plan = planAppend(requests, heads);
    if ('ok' in plan) {
      // a retried append of stored events is a no-op even when its stream has moved on since
      const stored = await this.storedAmong(manager, requests);
      return stored.size > 0 ? this.appendAllButStored(manager, requests, stored, attempt, outbox) : [plan];
    }
    // a head read here may be one a retried append's stored events made: look for them even when it holds
    const rows = await this.callAppend(manager, plan, read, outbox);
    const outcome = rows[0]?.outcome ?? 'appended';
    if (outcome === 'stored') return this.appendAllButStored(manager, requests, new Map(rows.map((row) => [row.event_id as string, toRecorded(row as EventRow)])), attempt, outbox);
    if (outcome === 'conflict') {
      const { stream_id: streamId, version: currentVersion } = rows[0] as { stream_id: string; version: number };
      const expected = plan.heads.get(streamId) as StreamHead;
      if (currentVersion === expected.version) throw new Error(`stream ${streamId} is at version ${currentVersion} with another hash than the caller read`);
      const first = requests.find((request) => request.streamId === streamId) as AppendRequest;
      if (first.expectedVersion === 'any' && attempt < ANY_VERSION_ATTEMPTS) return this.appendOrConflict(manager, requests, attempt + 1, outbox);
      return [{ ok: false, reason: 'version-conflict', streamId, expectedVersion: expected.version, currentVersion }];
    }
    // the function answers an appended event with what the database assigned: the rest is what was sent
    const assigned = new Map(rows.map((row) => [row.event_id as string, row]));
    return plan.links.map((links, index): AppendResult => {
      const events = links.map((link) => recordedFrom(link, assigned.get(link.event.id) as AppendRow));
      const version = links.length > 0 ? links[links.length - 1].version : (plan.heads.get(requests[index].streamId) as StreamHead).version;
      return { ok: true, version, events, duplicate: false };
    });
  }

  /** requests whose events are all stored answer with them (a no-op); the others are appended */
  private async appendAllButStored(
    manager: EntityManager,
    requests: AppendRequest[],
    stored: Map<string, RecordedEvent>,
    attempt: number,
    outbox?: OutboxMessages,
  ): Promise<AppendResult[]> {
    const duplicates = requests.map((request) => duplicateOf(request, stored));
    const fresh = await this.appendOrConflict(
      manager,
      requests.filter((_, index) => !duplicates[index]),
      attempt,
      outbox,
    );
    const conflict = fresh.find((result) => !result.ok);
    if (conflict) return [conflict];
    return duplicates.map((duplicate) => duplicate ?? (fresh.shift() as AppendResult));
  }

  private async storedAmong(executor: SqlExecutor, requests: AppendRequest[]): Promise<Map<string, RecordedEvent>> {
    const ids = requests.flatMap((request) => request.events.map((event) => event.id));
    const rows: EventRow[] = await executor.query(`SELECT ${EVENT_COLUMNS} FROM ${this.events} WHERE event_id = ANY($1::uuid[])`, [ids]);
    return new Map(rows.map((row) => [row.event_id, toRecorded(row)]));
  }

  /** each stream's head as the first request to it states it, read from the table where it does not */
  private async startHeads(executor: SqlExecutor, requests: AppendRequest[]): Promise<{ heads: Map<string, StreamHead>; read: boolean }> {
    const heads = new Map<string, StreamHead>();
    const unstated: string[] = [];
    for (const request of requests) {
      if (heads.has(request.streamId) || unstated.includes(request.streamId)) continue;
      const stated = statedHead(request);
      if (stated) heads.set(request.streamId, stated);
      else unstated.push(request.streamId);
    }
    if (unstated.length > 0) for (const [streamId, head] of await this.heads(executor, unstated)) heads.set(streamId, head);
    return { heads, read: unstated.length > 0 };
  }

  private callAppend(manager: EntityManager, plan: AppendPlan, checkKnown: boolean, outbox?: OutboxMessages): Promise<AppendRow[]> {
    const streamIds = [...plan.heads.keys()].sort();
    const heads = streamIds.map((streamId) => ({ stream_id: streamId, ...(plan.heads.get(streamId) as StreamHead) }));
    const events = plan.links.flat().map((link) => {
      const { streamId, streamType, version, event, prevHash, hash } = link;
      return {
        id: event.id,
        stream_id: streamId,
        stream_type: streamType,
        version,
        type: event.type,
        data: event.data,
        metadata: event.metadata,
        occurred_at: event.occurredAt,
        prev_hash: prevHash,
        hash,
        hash_scheme: CURRENT_HASH_SCHEME,
        ...(outbox ? { outbox: outbox.messageFor(link) } : {}),
      };
    });
    // sorted lock keys: two appends never deadlock
    const lockKeys = streamIds.map((streamId) => `${this.schema}:stream:${streamId}`);
    return preparedQuery<AppendRow>(manager, `SELECT * FROM ${this.appendFunction}($1::text[], $2::jsonb, $3::jsonb, $4::boolean)`, [
      lockKeys,
      JSON.stringify(heads),
      JSON.stringify(events),
      checkKnown,
    ]);
  }
}

/** an appended event: what the caller sent, with the position and reading order the database gave it */
function recordedFrom(link: ChainedEvent, row: AppendRow): RecordedEvent {
  const { event } = link;
  return {
    id: event.id,
    type: event.type,
    data: event.data,
    occurredAt: event.occurredAt,
    metadata: event.metadata,
    streamId: link.streamId,
    streamType: link.streamType,
    version: link.version,
    globalPosition: row.global_position as string,
    transactionId: row.transaction_id as string,
    prevHash: link.prevHash,
    hash: link.hash,
    hashScheme: CURRENT_HASH_SCHEME,
  };
}

/** how often an append without a version check is planned again when its stream moves meanwhile */
const ANY_VERSION_ATTEMPTS = 5;

/** a stored event's whole row, a conflict's stream and version, or an appended event's id and positions */
type AppendRow = Partial<EventRow> & { outcome: 'stored' | 'conflict' | 'appended' };
