import { MigrationInterface } from 'typeorm';
import { qualified, sqlMigration } from '@support/event-store';
import { platformMigrations } from '@support/messaging';

export const DASHBOARD_SCHEMA = 'dashboard';

export function dashboardMigrations(schema: string = DASHBOARD_SCHEMA) {
  return [
    ...platformMigrations(schema),
    projectionsMigration(schema),
    timelineByReferenceMigration(schema),
    teamMigration(schema),
    queueDepthMigration(schema),
    kpiStreamVersionMigration(schema),
  ];
}

/**
 * The dashboard's projections, fed by every topic and disposable: the live queue, the SLA board, each
 * customer's timeline, and the events the weekly KPIs are folded from.
 */
function projectionsMigration(schema: string): new () => MigrationInterface {
  const queue = qualified(schema, 'queue');
  const board = qualified(schema, 'sla_board');
  const timeline = qualified(schema, 'timeline');
  const kpi = qualified(schema, 'kpi_events');
  return sqlMigration(
    'DashboardProjections1763900007000',
    [
      `CREATE TABLE ${queue} (
         ticket_id uuid PRIMARY KEY,
         customer_id uuid,
         state text NOT NULL,
         urgency text,
         channel text,
         device_model text,
         tier text,
         assignee_id text,
         assignee_role text,
         received_at timestamptz,
         changed_at timestamptz NOT NULL
       )`,
      `CREATE INDEX ON ${queue} (state, urgency)`,
      `CREATE TABLE ${board} (
         clock_id text PRIMARY KEY,
         ticket_id uuid,
         rule_id text NOT NULL,
         status text NOT NULL,
         due_at timestamptz NOT NULL,
         warn_at timestamptz NOT NULL,
         warned boolean NOT NULL DEFAULT false,
         breached boolean NOT NULL DEFAULT false,
         changed_at timestamptz NOT NULL
       )`,
      `CREATE TABLE ${timeline} (event_id uuid PRIMARY KEY, customer_id uuid NOT NULL, ticket_id uuid, type text NOT NULL, at timestamptz NOT NULL, actor jsonb NOT NULL, data jsonb NOT NULL)`,
      `CREATE INDEX ON ${timeline} (customer_id, at)`,
      `CREATE TABLE ${kpi} (event_id uuid PRIMARY KEY, type text NOT NULL, at timestamptz NOT NULL, actor jsonb NOT NULL, data jsonb NOT NULL)`,
      `CREATE INDEX ON ${kpi} (at)`,
    ],
    [`DROP TABLE ${queue}, ${board}, ${timeline}, ${kpi}`],
  );
}

/**
 * Every ticket event is kept as a KPI event already: the timeline keeps only which customer and ticket
 * it belongs to, so a rebuild writes each event's data once. Projections are disposable, so the
 * columns simply go; the rows keep pointing at their KPI events.
 */
function timelineByReferenceMigration(schema: string): new () => MigrationInterface {
  const timeline = qualified(schema, 'timeline');
  return sqlMigration(
    'DashboardTimelineByReference1764720000000',
    [`ALTER TABLE ${timeline} DROP COLUMN type, DROP COLUMN actor, DROP COLUMN data`],
    [`TRUNCATE ${timeline}`, `ALTER TABLE ${timeline} ADD COLUMN type text NOT NULL, ADD COLUMN actor jsonb NOT NULL, ADD COLUMN data jsonb NOT NULL`],
  );
}

/**
 * The team as the dashboard shows it: each member's name (from the roster topic), and each lead's place
 * (from the leads topic), so the page names people and says how many leads wait in the pool and since when.
 */
function teamMigration(schema: string): new () => MigrationInterface {
  const members = qualified(schema, 'members');
  const leads = qualified(schema, 'leads');
  return sqlMigration(
    'DashboardTeam1766500000000',
    [
      `CREATE TABLE ${members} (member_id text PRIMARY KEY, name text NOT NULL, role text, changed_at timestamptz NOT NULL)`,
      `CREATE TABLE ${leads} (lead_id uuid PRIMARY KEY, status text NOT NULL, pooled_since timestamptz, changed_at timestamptz NOT NULL)`,
      // the pool's waiting leads, oldest first, without reading the others
      `CREATE INDEX ON ${leads} (pooled_since) WHERE status = 'pooled'`,
    ],
    [`DROP TABLE ${members}, ${leads}`],
  );
}

/**
 * The queue's depth over time for the page's chart: one row per ticket event that moved a ticket into
 * (+1) or out of (-1) the open stages, so the depth at any instant is the sum of the rows before it.
 * Filled from the events like every projection: a rebuild fills it for the past too.
 */
function queueDepthMigration(schema: string): new () => MigrationInterface {
  const depth = qualified(schema, 'queue_depth');
  return sqlMigration(
    'DashboardQueueDepth1799300000000',
    [`CREATE TABLE ${depth} (event_id uuid PRIMARY KEY, at timestamptz NOT NULL, delta smallint NOT NULL)`, `CREATE INDEX ON ${depth} (at)`],
    [`DROP TABLE ${depth}`],
  );
}

/**
 * Each KPI event's version in its own stream: a fold as of an instant reads the events up to it in time
 * order, and two events of one ticket or clock in the same millisecond keep their stream's order. Rows
 * kept before this migration read 0 until a rebuild from the topics fills them.
 */
function kpiStreamVersionMigration(schema: string): new () => MigrationInterface {
  const kpi = qualified(schema, 'kpi_events');
  return sqlMigration(
    'DashboardKpiStreamVersion1801000000000',
    [`ALTER TABLE ${kpi} ADD COLUMN stream_version integer NOT NULL DEFAULT 0`],
    [`ALTER TABLE ${kpi} DROP COLUMN stream_version`],
  );
}
