import { MigrationInterface, QueryRunner } from 'typeorm';
import { qualified } from '@support/event-store';

/**
 * Read models kept in the command's transaction: the ticket list and the customer directory
 * (contact -> customer id). Both can be rebuilt from the event table.
 */
export function intakeReadModelMigration(schema: string): new () => MigrationInterface {
  const tickets = qualified(schema, 'ticket_view');
  const customers = qualified(schema, 'customer_directory');
  return class IntakeReadModels1763900001000 implements MigrationInterface {
    name = 'IntakeReadModels1763900001000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE ${tickets} (
          ticket_id uuid PRIMARY KEY,
          state text NOT NULL,
          urgency text NOT NULL,
          customer_id uuid NOT NULL,
          assignee_id text,
          version integer NOT NULL,
          received_at timestamptz NOT NULL,
          view jsonb NOT NULL
        )`);
      await runner.query(`CREATE INDEX ON ${tickets} (received_at DESC, ticket_id DESC)`);
      await runner.query(`CREATE INDEX ON ${tickets} (customer_id)`);
      await runner.query(`CREATE INDEX ON ${tickets} (assignee_id)`);
      await runner.query(`
        CREATE TABLE ${customers} (
          customer_id uuid PRIMARY KEY,
          name text NOT NULL,
          phone text UNIQUE,
          wechat text UNIQUE,
          registered_at timestamptz NOT NULL
        )`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE ${tickets}, ${customers}`);
    }
  };
}
