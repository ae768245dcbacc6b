import { ServiceDefinition } from '@support/service-kit';
import { CustomerController } from './http/customer.controller';
import { TicketController } from './http/ticket.controller';
import { IntakeRuntime, SERVICE_NAME, startIntakeRuntime } from './intake.providers';
import { INTAKE_SCHEMA } from './persistence/intake.migrations';
import { WebhookSubscriptionController, webhookSettingsFromEnv } from './webhooks';

export const intakeService: ServiceDefinition<IntakeRuntime> = {
  serviceName: SERVICE_NAME,
  port: 3001,
  schema: INTAKE_SCHEMA,
  // the webhook variables are checked at start, like the rest: a bad one stops it with a message naming it
  startRuntime: (settings, onError) => startIntakeRuntime({ webhooks: webhookSettingsFromEnv(process.env), ...settings }, onError),
  controllers: [TicketController, CustomerController, WebhookSubscriptionController],
  openApi: {
    title: 'intake',
    version: '1.0',
    description: 'The ticket of record: open and work tickets, their audit history, customers; webhook subscriptions for partner systems.',
  },
  // bodies up to 1 MB reach validation, so an over-long field gets a 400 naming it rather than a 413
  bodyLimit: '1mb',
};
