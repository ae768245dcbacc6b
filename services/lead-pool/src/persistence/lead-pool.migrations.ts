import { MigrationInterface } from 'typeorm';
import { TEAM_TIME_ZONE } from '@support/contracts';
import { qualified, sqlMigration } from '@support/event-store';
import { platformMigrations } from '@support/messaging';

export const LEAD_POOL_SCHEMA = 'lead_pool';

export function leadPoolMigrations(schema: string = LEAD_POOL_SCHEMA) {
  return [...platformMigrations(schema), leadPoolReadModelMigration(schema), expectedAndWaitingMigration(schema), contactIndexMigration(schema)];
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

/**
 * What the ledger's `expected` is made of: the allocations booked into each week per version of the
 * ratios (a return subtracts in the week it happens, as `received` does); and since when each pooled lead
 * waits. Both are filled from the events already stored, so existing weeks and waiting leads show right.
 */
function expectedAndWaitingMigration(schema: string): new () => MigrationInterface {
  const leads = qualified(schema, 'leads');
  const events = qualified(schema, 'events');
  const allocations = qualified(schema, 'ledger_allocations');
  // as isoWeekOf: the ISO week of the team's calendar date
  const week = (at: string) => `to_char(${at} AT TIME ZONE '${TEAM_TIME_ZONE}', 'IYYY-"W"IW')`;
  return sqlMigration(
    'LeadPoolExpectedAndWaiting1796539622000',
    [
      `CREATE TABLE ${allocations} (week text NOT NULL, policy_version integer NOT NULL, allocations integer NOT NULL, PRIMARY KEY (week, policy_version))`,
      // every allocation +1 under its version; every return -1 under the version of the allocation it ends
      `INSERT INTO ${allocations} (week, policy_version, allocations)
       SELECT week, policy_version, sum(delta)::int FROM (
         SELECT ${week('a.occurred_at')} AS week, (a.data->>'policyVersion')::int AS policy_version, 1 AS delta
           FROM ${events} a WHERE a.type = 'support.lead.allocated.v1'
         UNION ALL
         SELECT ${week('r.occurred_at')}, (SELECT (a.data->>'policyVersion')::int FROM ${events} a
                  WHERE a.stream_id = r.stream_id AND a.type = 'support.lead.allocated.v1' AND a.version < r.version ORDER BY a.version DESC LIMIT 1), -1
           FROM ${events} r WHERE r.type = 'support.lead.returned.v1'
       ) booked WHERE policy_version IS NOT NULL GROUP BY week, policy_version`,
      `ALTER TABLE ${leads} ADD COLUMN pooled_since timestamptz`,
      `UPDATE ${leads} l SET pooled_since = (SELECT max(e.occurred_at) FROM ${events} e
         WHERE e.stream_id = l.lead_id::text AND e.type IN ('support.lead.captured.v1', 'support.lead.returned.v1')) WHERE l.status = 'pooled'`,
      `CREATE INDEX ON ${leads} (pooled_since) WHERE status = 'pooled'`,
    ],
    [`ALTER TABLE ${leads} DROP COLUMN pooled_since`, `DROP TABLE ${allocations}`],
  );
}

/**
 * The leads table keeps no clear contact: a keyed blind index (HMAC-SHA256, its key derived from the
 * key-encryption key, which the database never sees) of the phone and WeChat id finds duplicates and
 * hoarding instead. The key is not here, so the rows stored before are indexed at start-up from their
 * state (`contact_indexed` false until then); the clear columns go now.
 */
function contactIndexMigration(schema: string): new () => MigrationInterface {
  const leads = qualified(schema, 'leads');
  return sqlMigration(
    'LeadPoolContactIndex1799200000000',
    [
      `ALTER TABLE ${leads} ADD COLUMN phone_index bytea, ADD COLUMN wechat_index bytea, ADD COLUMN contact_indexed boolean NOT NULL DEFAULT false`,
      `ALTER TABLE ${leads} DROP COLUMN phone, DROP COLUMN wechat`,
      `CREATE INDEX ON ${leads} (phone_index) WHERE phone_index IS NOT NULL`,
      `CREATE INDEX ON ${leads} (wechat_index) WHERE wechat_index IS NOT NULL`,
    ],
    [
      // back to the clear columns, as far as the state still holds clear values (a sealed one does not match)
      `ALTER TABLE ${leads} ADD COLUMN phone text, ADD COLUMN wechat text`,
      `UPDATE ${leads} SET phone = state->'contact'->>'phone', wechat = state->'contact'->>'wechat' WHERE NOT coalesce((state->>'erased')::boolean, false)`,
      `CREATE INDEX ON ${leads} (phone) WHERE phone IS NOT NULL`,
      `CREATE INDEX ON ${leads} (wechat) WHERE wechat IS NOT NULL`,
      `ALTER TABLE ${leads} DROP COLUMN phone_index, DROP COLUMN wechat_index, DROP COLUMN contact_indexed`,
    ],
  );
}
