import { MigrationInterface } from 'typeorm';
import { qualified, sqlMigration } from '@support/event-store';

/**
 * The signed anchors of intake's own streams as they came from the audit topic, and which one is the
 * latest for each stream. The anchor is kept whole, so its signature is checked again at every read:
 * whoever can write these tables can point a stream at an older anchor, but cannot forge one.
 */
export function intakeAuditAnchorsMigration(schema: string): new () => MigrationInterface {
  const anchors = qualified(schema, 'audit_anchors');
  const heads = qualified(schema, 'audit_stream_heads');
  return sqlMigration(
    'IntakeAuditAnchors1797000000100',
    [
      `CREATE TABLE ${anchors} (anchor_id uuid PRIMARY KEY, anchor jsonb NOT NULL, received_at timestamptz NOT NULL DEFAULT now())`,
      `CREATE TABLE ${heads} (stream_id text PRIMARY KEY, version integer NOT NULL, anchor_id uuid NOT NULL REFERENCES ${anchors})`,
    ],
    [`DROP TABLE ${heads}, ${anchors}`],
  );
}
