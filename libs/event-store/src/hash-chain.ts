import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { NewEvent, RecordedEvent } from '@support/contracts';

/** prev_hash of the first event of a stream */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * How a hash was computed, stored per event (`hash_scheme`) so events hashed before a change still verify.
 * 1: {streamId, version, id, type, data, metadata, occurredAt}; 2: the same with streamType and the scheme.
 */
export type HashScheme = 1 | 2;
export const CURRENT_HASH_SCHEME: HashScheme = 2;
export const HASH_SCHEMES: readonly HashScheme[] = [1, 2];

/** The part of an event the hash covers: everything that identifies the event, nothing the database assigns. */
export interface HashedContent {
  streamId: string;
  /** covered from scheme 2 on */
  streamType: string;
  version: number;
  event: NewEvent;
  /** absent: the current scheme */
  scheme?: HashScheme;
}

/** hash = sha256(prev_hash || canonical JSON of the event), as ARCHITECTURE.md requires */
export function chainHash(prevHash: string, content: HashedContent): string {
  const { streamId, streamType, version, event } = content;
  const scheme = content.scheme ?? CURRENT_HASH_SCHEME;
  const covered = { streamId, version, id: event.id, type: event.type, data: event.data, metadata: event.metadata, occurredAt: event.occurredAt.toISOString() };
  // scheme 1 stays byte for byte what it was, so the events hashed with it still verify
  const canonical = canonicalize(scheme === 1 ? covered : { scheme, streamType, ...covered });
  return createHash('sha256')
    .update(prevHash)
    .update(canonical ?? '')
    .digest('hex');
}

export type ChainVerification = { valid: true; length: number } | { valid: false; brokenAt: number; length: number };

/**
 * Recomputes a stream's chain and names the first link that does not match. A stream's schemes never go
 * back (an event hashed with an older scheme after a newer one is a downgrade, so a break).
 */
export function verifyChain(events: ReadonlyArray<HashedContent & { prevHash: string; hash: string }>): ChainVerification {
  let expectedPrev = GENESIS_HASH;
  let lastScheme = 1;
  for (const event of events) {
    const scheme = event.scheme ?? CURRENT_HASH_SCHEME;
    const known = HASH_SCHEMES.includes(scheme) && scheme >= lastScheme;
    if (!known || event.prevHash !== expectedPrev || chainHash(expectedPrev, { ...event, scheme }) !== event.hash) {
      return { valid: false, brokenAt: event.version, length: events.length };
    }
    expectedPrev = event.hash;
    lastScheme = scheme;
  }
  return { valid: true, length: events.length };
}

/** verifyChain over one stream's events as the store returns them, oldest first. */
export function verifyRecordedChain(events: readonly RecordedEvent[]): ChainVerification {
  return verifyChain(events.map(toHashedLink));
}

/** a stored event as the chain functions take it */
export function toHashedLink(event: RecordedEvent): HashedContent & { prevHash: string; hash: string } {
  return {
    streamId: event.streamId,
    streamType: event.streamType,
    version: event.version,
    event,
    scheme: (event.hashScheme ?? 1) as HashScheme,
    prevHash: event.prevHash,
    hash: event.hash,
  };
}
