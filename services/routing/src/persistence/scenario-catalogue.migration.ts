import { MigrationInterface } from 'typeorm';
import { qualified, sqlMigration } from '@support/event-store';

/**
 * The knowledge base's scenario catalogue as routing keeps it: which scenarios are fixed (contractor-safe).
 * Fed by the catalogue's events; disposable, rebuilt by reading `support.scenarios.v1` from the beginning.
 */
export function scenarioCatalogueMigration(schema: string): new () => MigrationInterface {
  const scenarios = qualified(schema, 'scenarios');
  return sqlMigration(
    'RoutingScenarioCatalogue1763900003000',
    [
      `
          CREATE TABLE ${scenarios} (
            scenario_id text PRIMARY KEY,
            fault_category text NOT NULL,
            fixed boolean NOT NULL,
            -- the scenario's stream version: an older event (a replayed parked one) never overwrites a newer one
            version integer NOT NULL
          )`,
    ],
    [`DROP TABLE ${scenarios}`],
  );
}
