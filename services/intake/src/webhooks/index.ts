// intake's webhook module: partners' subscriptions to ticket events, delivered over HTTP (Standard Webhooks)
export { webhookProviders, webhookEventHandlers, webhookExports, WEBHOOK_SETTINGS } from './webhooks.providers';
export type { WebhookRuntimeSettings } from './webhooks.providers';
export { WebhookSubscriptionController } from './http/webhook-subscription.controller';
export { intakeWebhooksMigration } from './persistence/webhooks.migration';
export { WebhookDispatcher } from './application/webhook-dispatcher';
export { WebhookSubscriptions } from './application/webhook-subscriptions.service';
export { webhookSettingsFromEnv, DEFAULT_WEBHOOK_SETTINGS } from './application/webhook-settings';
export type { WebhookSettings } from './application/webhook-settings';
export type { WebhookBody } from './application/webhook-body';
