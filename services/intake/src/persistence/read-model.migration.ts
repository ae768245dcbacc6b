import { MigrationInterface } from 'typeorm';
import { qualified, sqlMigration } from '@support/event-store';

/**
 * Read models kept in the command's transaction: the ticket list and the customer directory
 * (contact -> customer id). Both can be rebuilt from the event table.
 */
export function intakeReadModelMigration(schema: string): new () => MigrationInterface {
  const tickets = qualified(schema, 'ticket_view');
  const customers = qualified(schema, 'customer_directory');
  return sqlMigration(
    'IntakeReadModels1763900001000',
    [
      `
          CREATE TABLE ${tickets} (
            ticket_id uuid PRIMARY KEY,
            state text NOT NULL,
            urgency text NOT NULL,
            customer_id uuid NOT NULL,
            assignee_id text,
            version integer NOT NULL,
            received_at timestamptz NOT NULL,
            view jsonb NOT NULL
          )`,
      `CREATE INDEX ON ${tickets} (received_at DESC, ticket_id DESC)`,
      `CREATE INDEX ON ${tickets} (customer_id)`,
      `CREATE INDEX ON ${tickets} (assignee_id)`,
      `
          CREATE TABLE ${customers} (
            customer_id uuid PRIMARY KEY,
            name text NOT NULL,
            phone text UNIQUE,
            wechat text UNIQUE,
            registered_at timestamptz NOT NULL
          )`,
    ],
    [`DROP TABLE ${tickets}, ${customers}`],
  );
}
