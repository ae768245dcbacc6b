import { ChainAnchor } from '@support/contracts';
import { qualified, SqlExecutor } from '@support/event-store';

/** The latest signed anchor of each of intake's streams (see audit-anchors.migration.ts). */
export class AuditAnchors {
  private readonly anchors: string;
  private readonly heads: string;

  constructor(schema: string) {
    this.anchors = qualified(schema, 'audit_anchors');
    this.heads = qualified(schema, 'audit_stream_heads');
  }

  /** keeps the anchor for every stream it moves forward (a resent or older anchor moves none) */
  async record(executor: SqlExecutor, anchorId: string, anchor: ChainAnchor): Promise<void> {
    await executor.query(
      `WITH kept AS (INSERT INTO ${this.anchors} (anchor_id, anchor) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING anchor_id)
       INSERT INTO ${this.heads} (stream_id, version, anchor_id)
       SELECT h.stream_id, h.version, kept.anchor_id FROM kept, unnest($3::text[], $4::int[]) AS h(stream_id, version)
       ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version, anchor_id = EXCLUDED.anchor_id
        WHERE ${this.heads}.version < EXCLUDED.version`,
      [anchorId, JSON.stringify(anchor), anchor.heads.map((h) => h.streamId), anchor.heads.map((h) => h.version)],
    );
  }

  /** the anchor holding the stream's latest anchored head, as stored (its signature is for the caller to check) */
  async latestFor(executor: SqlExecutor, streamId: string): Promise<ChainAnchor | null> {
    const rows: Array<{ anchor: ChainAnchor }> = await executor.query(`SELECT a.anchor FROM ${this.heads} h JOIN ${this.anchors} a USING (anchor_id) WHERE h.stream_id = $1`, [
      streamId,
    ]);
    return rows[0]?.anchor ?? null;
  }
}
