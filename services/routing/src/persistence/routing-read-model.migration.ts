import { MigrationInterface } from 'typeorm';
import { qualified, sqlMigration } from '@support/event-store';

/**
 * Routing's working state, kept in the transaction of each decision: the roster as routing sees it
 * and every ticket it routes (waiting, or whose assignee it counts as open work).
 */
export function routingReadModelMigration(schema: string): new () => MigrationInterface {
  const members = qualified(schema, 'members');
  const tickets = qualified(schema, 'routed_tickets');
  return sqlMigration(
    'RoutingReadModels1763900002000',
    [
      `
          CREATE TABLE ${members} (
            member_id text PRIMARY KEY,
            role text NOT NULL,
            name text NOT NULL,
            tier text NOT NULL,
            skills jsonb NOT NULL,
            scenarios jsonb NOT NULL,
            capacity integer NOT NULL,
            on_duty boolean NOT NULL,
            version integer NOT NULL,
            assigned_count integer NOT NULL DEFAULT 0,
            last_assigned_at timestamptz
          )`,
      `
          CREATE TABLE ${tickets} (
            ticket_id uuid PRIMARY KEY,
            urgency text NOT NULL,
            received_at timestamptz NOT NULL,
            triage jsonb NOT NULL,
            -- waiting: in the queue; open: someone works it; done: resolved, closed or cancelled
            status text NOT NULL CHECK (status IN ('waiting', 'open', 'done')),
            waiting_for text CHECK (waiting_for IN ('assignment', 'escalation')),
            escalation_reason text,
            assignee_id text,
            tier text
          )`,
      `CREATE INDEX ON ${tickets} (status, urgency, received_at, ticket_id)`,
      `CREATE INDEX ON ${tickets} (assignee_id) WHERE status = 'open'`,
    ],
    [`DROP TABLE ${tickets}, ${members}`],
  );
}
