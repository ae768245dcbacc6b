import { platformMigrations } from '@support/messaging';
import { intakePersonalDataMigration } from './personal-data.migration';
import { intakeReadModelMigration } from './read-model.migration';
import { intakeAuditAnchorsMigration } from './audit-anchors.migration';
import { intakeSubjectKeysMigration } from './subject-keys.migration';
import { intakeWebhooksMigration } from '../webhooks/persistence/webhooks.migration';

export const INTAKE_SCHEMA = 'intake';

export function intakeMigrations(schema: string = INTAKE_SCHEMA) {
  return [
    ...platformMigrations(schema),
    intakeReadModelMigration(schema),
    intakePersonalDataMigration(schema),
    intakeAuditAnchorsMigration(schema),
    intakeSubjectKeysMigration(schema),
    intakeWebhooksMigration(schema),
  ];
}
