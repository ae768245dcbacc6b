import { MigrationInterface } from 'typeorm';
import { qualified, sqlMigration } from '@support/event-store';

/**
 * The search read model: one row per SOP, FAQ or case (the version that is searchable), its text as
 * shown, and `terms`, the tsvector of its pre-segmented terms (title and tags weighted A, body B),
 * behind a GIN index.
 */
export function searchMigration(schema: string): new () => MigrationInterface {
  const documents = qualified(schema, 'search_documents');
  return sqlMigration(
    'KnowledgeSearch1763900005100',
    [
      `CREATE TABLE ${documents} (
         doc_type text NOT NULL,
         doc_id text NOT NULL,
         version integer NOT NULL,
         title text NOT NULL,
         body text NOT NULL,
         terms tsvector NOT NULL,
         updated_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (doc_type, doc_id)
       )`,
      `CREATE INDEX ON ${documents} USING gin (terms)`,
    ],
    [`DROP TABLE ${documents}`],
  );
}
