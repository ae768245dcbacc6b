import { platformMigrations } from '@support/messaging';
import { earlyStopsMigration } from './early-stops.migration';
import { slaReadModelMigration } from './sla-read-model.migration';

export const SLA_SCHEMA = 'sla_monitor';

export function slaMigrations(schema: string = SLA_SCHEMA) {
  return [...platformMigrations(schema), slaReadModelMigration(schema), earlyStopsMigration(schema)];
}
