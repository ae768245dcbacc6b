import { AnchoredHead } from '@support/contracts';
import { ChainVerification } from '../hash-chain';

/** A stream checked against itself and against the latest signed anchor of it. */
export interface AnchoredVerification {
  valid: boolean;
  /** events stored */
  length: number;
  /** the version the latest anchor signed; null when no anchor names the stream yet */
  anchoredVersion: number | null;
  /** the first version whose stored hash disagrees with its chain or with an anchor */
  brokenAt?: number;
  /** how many anchored events are no longer stored (cut from the end) */
  missing?: number;
}

/**
 * The verdict for one stream: its chain relinked and recomputed, then its stored hashes compared with the
 * anchored heads (a chain rewritten with recomputed hashes no longer has the anchored hash; a stream
 * shorter than an anchored version lost events). `anchored` holds every anchored head known, any order.
 */
export function verifyAgainstAnchors(
  chain: ChainVerification,
  storedHashes: ReadonlyArray<{ version: number; hash: string }>,
  anchored: ReadonlyArray<Pick<AnchoredHead, 'version' | 'hash'>>,
): AnchoredVerification {
  const latest = anchored.reduce((max, head) => Math.max(max, head.version), 0);
  const result: AnchoredVerification = { valid: chain.valid, length: chain.length, anchoredVersion: latest || null };
  if (!chain.valid) result.brokenAt = chain.brokenAt;
  if (latest > chain.length) {
    result.valid = false;
    result.missing = latest - chain.length;
  }
  const hashAt = new Map(storedHashes.map((event) => [event.version, event.hash]));
  const disagreeing = anchored.filter((head) => hashAt.has(head.version) && hashAt.get(head.version) !== head.hash).map((head) => head.version);
  if (disagreeing.length > 0) {
    result.valid = false;
    result.brokenAt = Math.min(result.brokenAt ?? Infinity, ...disagreeing);
  }
  return result;
}
