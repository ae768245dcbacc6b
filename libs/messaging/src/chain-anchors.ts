import { createHash, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { AnchoredHead, AUDIT_TOPIC, chainAnchored, ChainAnchor } from '@support/contracts';
import { AnchorSigningKey, anchorSigningInput, qualified, signAnchor } from '@support/event-store';
import { OutgoingMessage, toKafkaMessage } from './cloud-event.codec';

/** Who signs a relay's anchors, with which key (see anchor-keys.ts in the event store). */
export interface AnchorSigning {
  service: string;
  key: AnchorSigningKey;
}

/**
 * The head (last version, its hash and stream type) of each stream among these events, as the event
 * table holds them: the outbox rows name their events, the table is what the anchor vouches for.
 */
export async function headsOf(client: Client, schema: string, eventIds: readonly string[]): Promise<AnchoredHead[]> {
  if (eventIds.length === 0) return [];
  const { rows } = await client.query<{ stream_id: string; stream_type: string; version: number; hash: string }>(
    `SELECT DISTINCT ON (stream_id) stream_id, stream_type, version, hash FROM ${qualified(schema, 'events')}
      WHERE event_id = ANY($1::uuid[]) ORDER BY stream_id, version DESC`,
    [eventIds],
  );
  return rows.map((row) => ({ streamId: row.stream_id, streamType: row.stream_type, version: row.version, hash: row.hash }));
}

/** a signed anchor as a CloudEvent on the audit topic, keyed by the service; null when there is nothing to anchor */
export function anchorMessage(signing: AnchorSigning, schema: string, heads: AnchoredHead[], at: Date, position: string): OutgoingMessage | null {
  if (heads.length === 0) return null;
  const anchor: ChainAnchor = signAnchor(signing.key, { service: signing.service, schema, heads, signedAt: at });
  return toKafkaMessage(
    {
      id: randomUUID(),
      type: chainAnchored.type,
      data: anchor,
      occurredAt: at,
      metadata: { actor: { id: signing.service, role: 'service' } },
      streamId: signing.service,
      // the outbox position the anchor reaches: grows with every anchor of the service
      version: Number(position),
      // an anchor is in no chain: its audit hash is the digest of what it signs
      hash: createHash('sha256').update(anchorSigningInput(anchor)).digest('hex'),
    },
    signing.service,
    AUDIT_TOPIC,
  );
}
