import { eventStoreMigration, idempotencyMigration } from '@support/event-store';
import { messagingMigration } from '@support/messaging';
import { intakeReadModelMigration } from './read-model.migration';

export const INTAKE_SCHEMA = 'intake';

export function intakeMigrations(schema: string = INTAKE_SCHEMA) {
  return [eventStoreMigration(schema), idempotencyMigration(schema), messagingMigration(schema), intakeReadModelMigration(schema)];
}
