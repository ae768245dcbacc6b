import { platformMigrations } from '@support/messaging';
import { openTicketCountsMigration, queueIndexMigration } from './open-ticket-counts.migration';
import { routingReadModelMigration } from './routing-read-model.migration';
import { scenarioCatalogueMigration } from './scenario-catalogue.migration';

export const ROUTING_SCHEMA = 'routing';

export function routingMigrations(schema: string = ROUTING_SCHEMA) {
  return [...platformMigrations(schema), routingReadModelMigration(schema), scenarioCatalogueMigration(schema), openTicketCountsMigration(schema), queueIndexMigration(schema)];
}
