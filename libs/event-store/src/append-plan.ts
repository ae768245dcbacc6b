import { EntityManager } from 'typeorm';
import { NewEvent, RecordedEvent } from '@support/contracts';
import { chainHash, CURRENT_HASH_SCHEME, GENESIS_HASH } from './hash-chain';

export interface AppendRequest {
  streamType: string;
  streamId: string;
  /** the version the caller decided on; 0 for a new stream, 'any' to skip the check */
  expectedVersion: number | 'any';
  /**
   * The hash of the stream's event at `expectedVersion`, which the caller has when it loaded the stream to
   * decide: given, the append is one round trip; left out, the store reads the stream's head first.
   */
  expectedHash?: string;
  events: NewEvent[];
}

export type VersionConflict = { ok: false; reason: 'version-conflict'; streamId: string; expectedVersion: number; currentVersion: number };

export type AppendResult = { ok: true; version: number; events: RecordedEvent[]; duplicate: boolean } | VersionConflict;

/** The last version of a stream and its hash. */
export interface StreamHead {
  version: number;
  hash: string;
}

export const EMPTY_STREAM: StreamHead = { version: 0, hash: GENESIS_HASH };

/** One event with its place in its stream's chain. */
export interface ChainedEvent extends StreamHead {
  streamId: string;
  streamType: string;
  event: NewEvent;
  prevHash: string;
}

/** The Kafka message of an event, as the append writes it to the outbox: its key is the stream id, its value the event's data. */
export interface OutboxMessage {
  topic: string;
  headers: Record<string, string>;
}

/** What an append writes to its schema's outbox with its events, in the same call (see append-in-one-call.migration.ts). */
export interface OutboxMessages {
  messageFor(event: ChainedEvent): OutboxMessage;
  /** told, in the appending transaction, that the append wrote outbox rows (e.g. to wake the relay after commit) */
  written(manager: EntityManager): void;
}

/** What the append function is given: the heads it must find, and the chained events. */
export interface AppendPlan {
  /** per stream, the head the first request to it decided on */
  heads: Map<string, StreamHead>;
  /** per request, its events chained onto the head before it */
  links: ChainedEvent[][];
}

/** the head a request states itself, without reading the stream: a new stream's, or the one the caller loaded */
export function statedHead(request: AppendRequest): StreamHead | undefined {
  if (request.expectedVersion === 0) return EMPTY_STREAM;
  if (typeof request.expectedVersion === 'number' && request.expectedHash !== undefined) return { version: request.expectedVersion, hash: request.expectedHash };
  return undefined;
}

/**
 * Chains every request onto its stream's head (a later request to the same stream continues where the
 * earlier one ends), or names the first request whose expected version is not the head's.
 */
export function planAppend(requests: readonly AppendRequest[], startHeads: ReadonlyMap<string, StreamHead>): AppendPlan | VersionConflict {
  const heads = new Map<string, StreamHead>();
  const current = new Map(startHeads);
  const links: ChainedEvent[][] = [];
  for (const request of requests) {
    const head = current.get(request.streamId) ?? EMPTY_STREAM;
    if (request.expectedVersion !== 'any' && request.expectedVersion !== head.version) {
      return { ok: false, reason: 'version-conflict', streamId: request.streamId, expectedVersion: request.expectedVersion, currentVersion: head.version };
    }
    if (!heads.has(request.streamId)) heads.set(request.streamId, head);
    const chained = chain(request, head);
    links.push(chained);
    if (chained.length > 0) current.set(request.streamId, chained[chained.length - 1]);
  }
  return { heads, links };
}

/** a request's events with their versions and hashes, chained onto the stream's head */
function chain(request: AppendRequest, head: StreamHead): ChainedEvent[] {
  let prevHash = head.hash;
  return request.events.map((event, index) => {
    const version = head.version + index + 1;
    const hash = chainHash(prevHash, { streamId: request.streamId, streamType: request.streamType, version, event, scheme: CURRENT_HASH_SCHEME });
    const link = { streamId: request.streamId, streamType: request.streamType, version, event, prevHash, hash };
    prevHash = hash;
    return link;
  });
}

/** the request as a no-op when all its events are stored already; an error when only some are */
export function duplicateOf(request: AppendRequest, stored: ReadonlyMap<string, RecordedEvent>): AppendResult | undefined {
  const found = request.events.map((e) => stored.get(e.id)).filter((e): e is RecordedEvent => e !== undefined);
  if (found.length === 0) return undefined;
  if (found.length !== request.events.length) throw new Error(`append to ${request.streamId} mixes stored and new event ids`);
  const recorded = [...found].sort((a, b) => a.version - b.version);
  return { ok: true, version: recorded[recorded.length - 1].version, events: recorded, duplicate: true };
}
