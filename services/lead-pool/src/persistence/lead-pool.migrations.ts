import { MigrationInterface } from 'typeorm';
import { qualified, sqlMigration } from '@support/event-store';
import { platformMigrations } from '@support/messaging';

export const LEAD_POOL_SCHEMA = 'lead_pool';

export function leadPoolMigrations(schema: string = LEAD_POOL_SCHEMA) {
  return [...platformMigrations(schema), leadPoolReadModelMigration(schema)];
}

/**
 * Read models, each written in the transaction of the change it shows: the leads (by contact, for
 * merging duplicates and spotting hoarding; by deadline, for timeouts), the ratios in force, how many
 * leads each member received under them (the allocator's whole state), the roster as the pool sees it,
 * the weekly ledger, and hoarding flags.
 */
function leadPoolReadModelMigration(schema: string): new () => MigrationInterface {
  const leads = qualified(schema, 'leads');
  const policy = qualified(schema, 'policy');
  const counts = qualified(schema, 'allocation_counts');
  const members = qualified(schema, 'members');
  const ledger = qualified(schema, 'ledger');
  const flags = qualified(schema, 'hoarding_flags');
  return sqlMigration(
    'LeadPoolReadModels1763900006000',
    [
      `CREATE TABLE ${leads} (
         lead_id uuid PRIMARY KEY,
         status text NOT NULL,
         phone text,
         wechat text,
         source_member text NOT NULL,
         allocated_to text,
         accept_by timestamptz,
         captured_seq bigserial,
         converted_event_id uuid,
         ticket_id uuid,
         state jsonb NOT NULL,
         version integer NOT NULL
       )`,
      `CREATE INDEX ON ${leads} (phone) WHERE phone IS NOT NULL`,
      `CREATE INDEX ON ${leads} (wechat) WHERE wechat IS NOT NULL`,
      `CREATE INDEX ON ${leads} (status, captured_seq)`,
      `CREATE INDEX ON ${leads} (accept_by) WHERE status = 'allocated'`,
      `CREATE INDEX ON ${leads} (converted_event_id) WHERE converted_event_id IS NOT NULL`,
      `CREATE TABLE ${policy} (policy_id text PRIMARY KEY, state jsonb NOT NULL, version integer NOT NULL)`,
      `CREATE TABLE ${counts} (policy_version integer NOT NULL, member_id text NOT NULL, received integer NOT NULL, PRIMARY KEY (policy_version, member_id))`,
      `CREATE TABLE ${members} (member_id text PRIMARY KEY, role text NOT NULL, on_duty boolean NOT NULL)`,
      `CREATE TABLE ${ledger} (week text NOT NULL, member_id text NOT NULL, contributed integer NOT NULL DEFAULT 0, received integer NOT NULL DEFAULT 0, PRIMARY KEY (week, member_id))`,
      `CREATE TABLE ${flags} (lead_id uuid NOT NULL, ticket_id uuid NOT NULL, member_id text NOT NULL, lead_status text NOT NULL, PRIMARY KEY (lead_id, ticket_id))`,
    ],
    [`DROP TABLE ${leads}, ${policy}, ${counts}, ${members}, ${ledger}, ${flags}`],
  );
}
