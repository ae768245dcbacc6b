import { MigrationInterface } from 'typeorm';
import { qualified, sqlMigration } from '@support/event-store';

/** Stops seen before their clock started (a rule's start and stop may come from different topics). */
export function earlyStopsMigration(schema: string): new () => MigrationInterface {
  const table = qualified(schema, 'early_stops');
  return sqlMigration(
    'SlaEarlyStops1765000000000',
    [
      `CREATE TABLE ${table} (rule_id text NOT NULL, subject_type text NOT NULL, subject_id text NOT NULL, stopped_at timestamptz NOT NULL, PRIMARY KEY (rule_id, subject_type, subject_id))`,
      `CREATE INDEX ON ${table} (subject_id)`,
    ],
    [`DROP TABLE ${table}`],
  );
}
