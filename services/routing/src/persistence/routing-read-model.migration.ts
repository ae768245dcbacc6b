import { MigrationInterface, QueryRunner } from 'typeorm';
import { qualified } from '@support/event-store';

/**
 * Routing's working state, kept in the transaction of each decision: the roster as routing sees it
 * and every ticket it routes (waiting, or whose assignee it counts as open work).
 */
export function routingReadModelMigration(schema: string): new () => MigrationInterface {
  const members = qualified(schema, 'members');
  const tickets = qualified(schema, 'routed_tickets');
  return class RoutingReadModels1763900002000 implements MigrationInterface {
    name = 'RoutingReadModels1763900002000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
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
        )`);
      await runner.query(`
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
        )`);
      await runner.query(`CREATE INDEX ON ${tickets} (status, urgency, received_at, ticket_id)`);
      await runner.query(`CREATE INDEX ON ${tickets} (assignee_id) WHERE status = 'open'`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE ${tickets}, ${members}`);
    }
  };
}
