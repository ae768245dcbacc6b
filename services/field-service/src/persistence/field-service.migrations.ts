import { MigrationInterface } from 'typeorm';
import { qualified, sqlMigration } from '@support/event-store';
import { platformMigrations } from '@support/messaging';

export const FIELD_SERVICE_SCHEMA = 'field_service';

export function fieldServiceMigrations(schema: string = FIELD_SERVICE_SCHEMA) {
  return [...platformMigrations(schema), fieldServiceReadModelMigration(schema), knownTicketCustomerMigration(schema)];
}

/**
 * Read models, each written in the transaction of the change it shows: the visits and sheets as the
 * API lists them (whole state as JSON, the columns queries filter on beside it), and the tickets as
 * field-service knows them from intake's events (who works them decides what a contractor may see).
 */
function fieldServiceReadModelMigration(schema: string): new () => MigrationInterface {
  const visits = qualified(schema, 'visits');
  const sheets = qualified(schema, 'sheets');
  const tickets = qualified(schema, 'known_tickets');
  return sqlMigration(
    'FieldServiceReadModels1763900004000',
    [
      `CREATE TABLE ${visits} (
         visit_id uuid PRIMARY KEY,
         ticket_id uuid NOT NULL,
         status text NOT NULL,
         technician_id text,
         appointment_at timestamptz,
         state jsonb NOT NULL,
         version integer NOT NULL
       )`,
      `CREATE INDEX ON ${visits} (ticket_id)`,
      `CREATE INDEX ON ${visits} (technician_id, appointment_at)`,
      `CREATE TABLE ${sheets} (
         sheet_id uuid PRIMARY KEY,
         ticket_id uuid NOT NULL,
         visit_id uuid,
         status text NOT NULL,
         state jsonb NOT NULL,
         version integer NOT NULL
       )`,
      `CREATE INDEX ON ${sheets} (ticket_id)`,
      `CREATE INDEX ON ${sheets} (status)`,
      `CREATE TABLE ${tickets} (
         ticket_id uuid PRIMARY KEY,
         customer_name text NOT NULL,
         customer_contact text NOT NULL,
         device_model text NOT NULL,
         problem text NOT NULL,
         state text NOT NULL,
         assignee_id text,
         assignee_role text
       )`,
    ],
    [`DROP TABLE ${visits}, ${sheets}, ${tickets}`],
  );
}

/**
 * The customer of each known ticket: their data key seals the personal values of the ticket's visits and
 * sheets. Tickets known from before have none (NULL): theirs are sealed with the ticket's own id.
 */
function knownTicketCustomerMigration(schema: string): new () => MigrationInterface {
  const tickets = qualified(schema, 'known_tickets');
  return sqlMigration('FieldServiceKnownTicketCustomer1799200000000', [`ALTER TABLE ${tickets} ADD COLUMN customer_id uuid`], [`ALTER TABLE ${tickets} DROP COLUMN customer_id`]);
}
