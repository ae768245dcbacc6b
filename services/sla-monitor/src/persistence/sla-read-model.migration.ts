import { MigrationInterface } from 'typeorm';
import { qualified, sqlMigration } from '@support/event-store';

/** The clocks as the scheduler and the REST API read them, and each ticket's urgency. */
export function slaReadModelMigration(schema: string): new () => MigrationInterface {
  const clocks = qualified(schema, 'clocks');
  const urgency = qualified(schema, 'ticket_urgency');
  return sqlMigration(
    'SlaReadModels1763900003000',
    [
      `
          CREATE TABLE ${clocks} (
            clock_id text PRIMARY KEY,
            rule_id text NOT NULL,
            subject_type text NOT NULL,
            subject_id text NOT NULL,
            ticket_id uuid,
            status text NOT NULL,
            time_basis text NOT NULL,
            started_at timestamptz NOT NULL,
            due_at timestamptz NOT NULL,
            warn_at timestamptz NOT NULL,
            warned boolean NOT NULL,
            breached boolean NOT NULL,
            -- when the scheduler must look at the clock next; NULL: nothing left to fire
            next_tick_at timestamptz,
            version integer NOT NULL
          )`,
      `CREATE INDEX ON ${clocks} (next_tick_at) WHERE next_tick_at IS NOT NULL`,
      `CREATE INDEX ON ${clocks} (ticket_id)`,
      `CREATE INDEX ON ${clocks} (subject_type, subject_id)`,
      `CREATE TABLE ${urgency} (ticket_id uuid PRIMARY KEY, urgency text NOT NULL)`,
    ],
    [`DROP TABLE ${clocks}, ${urgency}`],
  );
}
