import { MigrationInterface } from 'typeorm';
import { qualified, sqlMigration } from '@support/event-store';
import { platformMigrations } from '@support/messaging';
import { searchMigration } from '../search';

export const KNOWLEDGE_SCHEMA = 'knowledge_base';

export function knowledgeMigrations(schema: string = KNOWLEDGE_SCHEMA) {
  return [...platformMigrations(schema), knowledgeReadModelMigration(schema), searchMigration(schema), ticketAssigneeMigration(schema)];
}

/**
 * Read models, each written in the transaction of the change it shows: articles, the scenario catalogue,
 * the case library and case analyses as the API lists them (whole state as JSON, filter columns beside
 * it), and what the knowledge base learns of each ticket (its scenario, the SOP it was resolved with).
 */
function knowledgeReadModelMigration(schema: string): new () => MigrationInterface {
  const articles = qualified(schema, 'articles');
  const scenarios = qualified(schema, 'scenarios');
  const cases = qualified(schema, 'cases');
  const analyses = qualified(schema, 'analyses');
  const tickets = qualified(schema, 'ticket_knowledge');
  return sqlMigration(
    'KnowledgeReadModels1763900005000',
    [
      `CREATE TABLE ${articles} (
         article_id uuid PRIMARY KEY,
         kind text NOT NULL,
         status text NOT NULL,
         scenario_id text,
         state jsonb NOT NULL,
         version integer NOT NULL
       )`,
      `CREATE TABLE ${scenarios} (
         scenario_id text PRIMARY KEY,
         fault_category text NOT NULL,
         fixed boolean NOT NULL,
         state jsonb NOT NULL,
         version integer NOT NULL
       )`,
      `CREATE TABLE ${cases} (
         case_id uuid PRIMARY KEY,
         ticket_id uuid NOT NULL,
         scenario_id text,
         sop_article_id text,
         state jsonb NOT NULL
       )`,
      `CREATE INDEX ON ${cases} (ticket_id)`,
      `CREATE TABLE ${analyses} (
         analysis_id uuid PRIMARY KEY,
         ticket_id uuid NOT NULL,
         scenario_id text NOT NULL,
         status text NOT NULL,
         due_at timestamptz,
         state jsonb NOT NULL,
         version integer NOT NULL
       )`,
      `CREATE INDEX ON ${analyses} (scenario_id)`,
      `CREATE TABLE ${tickets} (
         ticket_id uuid PRIMARY KEY,
         scenario_id text,
         fault_category text,
         sop_article_id text,
         resolved boolean NOT NULL DEFAULT false
       )`,
    ],
    [`DROP TABLE ${articles}, ${scenarios}, ${cases}, ${analyses}, ${tickets}`],
  );
}

/**
 * Who works each ticket, from its assignment, dispatch to a contractor and escalation: contractors read
 * only the cases and analyses of tickets dispatched to them. Tickets assigned before this migration are
 * unknown until their next assignment, so no contractor reads their cases (closed, not open, by default).
 */
function ticketAssigneeMigration(schema: string): new () => MigrationInterface {
  const tickets = qualified(schema, 'ticket_knowledge');
  return sqlMigration(
    'KnowledgeTicketAssignee1797000000200',
    [`ALTER TABLE ${tickets} ADD COLUMN assignee_id text, ADD COLUMN assignee_role text`, `CREATE INDEX ON ${tickets} (assignee_id) WHERE assignee_role = 'contractor'`],
    [`ALTER TABLE ${tickets} DROP COLUMN assignee_id, DROP COLUMN assignee_role`],
  );
}
