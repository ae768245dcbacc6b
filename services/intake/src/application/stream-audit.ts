import { Inject, Injectable } from '@nestjs/common';
import { AnchoredVerification, EventStore, SqlExecutor, TrustedKeys, verifyAgainstAnchors, verifyAnchor, verifyRecordedChain } from '@support/event-store';
import { AuditAnchors } from '../persistence/audit-anchors.repository';
import { TRUSTED_KEYS } from './audit-anchor.reactor';

export type StreamAuditResult = AnchoredVerification & { anchorRefused?: string };

/**
 * A stream's chain recomputed and compared with its latest signed anchor, whose signature is checked
 * again here with the configured keys (the stored anchor is only as good as its signature).
 */
@Injectable()
export class StreamAudit {
  constructor(
    private readonly store: EventStore,
    private readonly anchors: AuditAnchors,
    @Inject(TRUSTED_KEYS) private readonly trusted: TrustedKeys,
  ) {}

  async verify(executor: SqlExecutor, streamId: string): Promise<StreamAuditResult> {
    const [events, anchor] = await Promise.all([this.store.readStream(executor, streamId), this.anchors.latestFor(executor, streamId)]);
    const chain = verifyRecordedChain(events);
    if (!anchor) return verifyAgainstAnchors(chain, events, []);
    const check = verifyAnchor(anchor, this.trusted);
    const head = anchor.heads.find((h) => h.streamId === streamId);
    if (!check.ok || !head)
      return { ...verifyAgainstAnchors(chain, events, []), valid: false, anchorRefused: check.ok ? 'the stored anchor does not name this stream' : check.reason };
    return verifyAgainstAnchors(chain, events, [head]);
  }
}
