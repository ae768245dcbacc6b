import { Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { chainAnchored, ChainAnchor } from '@support/contracts';
import { TrustedKeys, verifyAnchor } from '@support/event-store';
import { ConsumedEvent, EVENT_SCHEMA, EventContext, EventHandlers } from '@support/messaging';
import { AuditAnchors } from '../persistence/audit-anchors.repository';

/** the service whose anchors the reactor keeps, and the keys it trusts */
export const ANCHORED_SERVICE = Symbol('AnchoredService');
export const TRUSTED_KEYS = Symbol('TrustedKeys');

/**
 * Keeps the latest signed anchor of each of intake's own streams (its schema's), checked with the keys
 * of the configuration: an anchor no trusted key signed is refused (so parked, and seen).
 */
@EventHandlers()
export class AuditAnchorReactor {
  constructor(
    @Inject(ANCHORED_SERVICE) private readonly service: string,
    @Inject(EVENT_SCHEMA) private readonly schema: string,
    @Inject(TRUSTED_KEYS) private readonly trusted: TrustedKeys,
    private readonly anchors: AuditAnchors,
  ) {}

  @EventPattern([chainAnchored.type], { group: 'audit-anchors' })
  async handle(@Payload() event: ConsumedEvent, @Ctx() { manager }: EventContext): Promise<void> {
    const anchor = event.data as ChainAnchor;
    if (anchor.service !== this.service || anchor.schema !== this.schema) return;
    const check = verifyAnchor(anchor, this.trusted);
    if (!check.ok) throw new Error(`refused chain anchor ${event.id} from ${event.source}: ${check.reason}`);
    await this.anchors.record(manager, event.id, anchor);
  }
}
