import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { NewEvent, RecordedEvent } from '@support/contracts';

/** prev_hash of the first event of a stream */
export const GENESIS_HASH = '0'.repeat(64);

/** The part of an event the hash covers: everything that is the event, nothing the database assigns. */
export interface HashedContent {
  streamId: string;
  version: number;
  event: NewEvent;
}

/** hash = sha256(prev_hash || canonical JSON of the event), as ARCHITECTURE.md requires */
export function chainHash(prevHash: string, content: HashedContent): string {
  const { streamId, version, event } = content;
  const canonical = canonicalize({
    streamId,
    version,
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    occurredAt: event.occurredAt.toISOString(),
  });
  return createHash('sha256').update(prevHash).update(canonical ?? '').digest('hex');
}

export type ChainVerification = { valid: true; length: number } | { valid: false; brokenAt: number; length: number };

/** Recomputes a stream's chain and names the first link that does not match. */
export function verifyChain(events: ReadonlyArray<HashedContent & { prevHash: string; hash: string }>): ChainVerification {
  let expectedPrev = GENESIS_HASH;
  for (const event of events) {
    if (event.prevHash !== expectedPrev || chainHash(expectedPrev, event) !== event.hash) {
      return { valid: false, brokenAt: event.version, length: events.length };
    }
    expectedPrev = event.hash;
  }
  return { valid: true, length: events.length };
}

/** verifyChain over one stream's events as the store returns them, oldest first. */
export function verifyRecordedChain(events: readonly RecordedEvent[]): ChainVerification {
  return verifyChain(events.map((event) => ({ streamId: event.streamId, version: event.version, event, prevHash: event.prevHash, hash: event.hash })));
}
