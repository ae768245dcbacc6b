import { MigrationInterface } from 'typeorm';
import { appendFunctionMigration, appendKnownIdsByIndexMigration } from './append-function.migration';
import { appendInOneCallMigration } from './append-in-one-call.migration';
import { eventStoreMigration } from './event-store.migration';
import { qualified } from './sql-names';
import { sqlMigration } from './sql-migration';

/**
 * Which hash scheme each event was hashed with (see hash-chain.ts): the events stored before it are
 * scheme 1; the store writes its current scheme explicitly, so the default stays what old rows were.
 * Adding a column with a constant default rewrites no row (and fires no trigger).
 */
export function eventHashSchemeMigration(schema: string): new () => MigrationInterface {
  const events = qualified(schema, 'events');
  return sqlMigration(
    'EventHashScheme1797000000000',
    [`ALTER TABLE ${events} ADD COLUMN hash_scheme smallint NOT NULL DEFAULT 1 CHECK (hash_scheme > 0)`],
    [`ALTER TABLE ${events} DROP COLUMN hash_scheme`],
  );
}

/**
 * Every append paid for an index on (stream_type, stream_id) that only reads of every stream of one type
 * used (a projection's rebuild, the SLA clocks as of an instant), which read most of the table anyway: they
 * scan instead, and each event writes four indexes.
 */
export function dropStreamTypeIndexMigration(schema: string): new () => MigrationInterface {
  const events = qualified(schema, 'events');
  return sqlMigration(
    'DropStreamTypeIndex1800100000000',
    [`DROP INDEX IF EXISTS ${qualified(schema, 'events_stream_type_stream_id_idx')}`],
    [`CREATE INDEX events_stream_type_stream_id_idx ON ${events} (stream_type, stream_id)`],
  );
}

/** The event table and every change to it since, in order. */
export function eventStoreMigrations(schema: string): Array<new () => MigrationInterface> {
  return [
    eventStoreMigration(schema),
    eventHashSchemeMigration(schema),
    appendFunctionMigration(schema),
    appendKnownIdsByIndexMigration(schema),
    appendInOneCallMigration(schema),
    dropStreamTypeIndexMigration(schema),
  ];
}
