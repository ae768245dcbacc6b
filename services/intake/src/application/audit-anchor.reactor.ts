import { EntityManager } from 'typeorm';
import { chainAnchored, ChainAnchor } from '@support/contracts';
import { TrustedKeys, verifyAnchor } from '@support/event-store';
import { ConsumedEvent } from '@support/messaging';
import { AuditAnchors } from '../persistence/audit-anchors.repository';

/**
 * Keeps the latest signed anchor of each of intake's own streams (its schema's), checked with the keys
 * of the configuration: an anchor no trusted key signed is refused (so parked, and seen).
 */
export class AuditAnchorReactor {
  readonly types = [chainAnchored.type];

  constructor(
    private readonly service: string,
    private readonly schema: string,
    private readonly trusted: TrustedKeys,
    private readonly anchors: AuditAnchors,
  ) {}

  handle = async (event: ConsumedEvent, manager: EntityManager): Promise<void> => {
    const anchor = event.data as ChainAnchor;
    if (anchor.service !== this.service || anchor.schema !== this.schema) return;
    const check = verifyAnchor(anchor, this.trusted);
    if (!check.ok) throw new Error(`refused chain anchor ${event.id} from ${event.source}: ${check.reason}`);
    await this.anchors.record(manager, event.id, anchor);
  };
}
