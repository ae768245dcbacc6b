import { AnchoredHead } from '@support/contracts';
import { HashedContent, verifyChain } from '../hash-chain';
import { AnchoredVerification, verifyAgainstAnchors } from './anchor-verification';

export type StoredLink = HashedContent & { prevHash: string; hash: string };

export interface StreamReport extends AnchoredVerification {
  streamId: string;
  streamType: string | null;
  verdict: 'verified' | 'broken' | 'missing events' | 'not anchored';
}

/**
 * One stream's verdict for the auditor: its stored events (oldest first, possibly none) against every
 * signed anchored head of it. A stream no anchor names is "not anchored": nothing vouches for it.
 */
export function auditStream(streamId: string, stored: readonly StoredLink[], anchored: readonly AnchoredHead[]): StreamReport {
  const result = verifyAgainstAnchors(verifyChain(stored), stored, anchored);
  const streamType = stored[0]?.streamType ?? anchored[0]?.streamType ?? null;
  const verdict = result.brokenAt !== undefined ? 'broken' : result.missing !== undefined ? 'missing events' : result.anchoredVersion === null ? 'not anchored' : 'verified';
  return { streamId, streamType, verdict, ...result };
}

/** one line per stream, as the command prints it */
export function describeReport(report: StreamReport): string {
  const name = `${report.streamId} (${report.streamType ?? 'unknown type'})`;
  switch (report.verdict) {
    case 'verified': {
      const newer = report.length - (report.anchoredVersion ?? 0);
      return `${name}: verified (v${report.anchoredVersion}${newer > 0 ? `, ${newer} newer event(s) not yet anchored` : ''})`;
    }
    case 'broken':
      return `${name}: broken at ${report.brokenAt}`;
    case 'missing events':
      return `${name}: missing events (anchored v${report.anchoredVersion}, stored ${report.length})`;
    default:
      return `${name}: not anchored (${report.length} events, no signed anchor names it)`;
  }
}
