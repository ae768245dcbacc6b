import { dataSchemaWith, defineEvent, EventOf } from '../catalogue/event-definition';

// a partner's subscription to ticket events, delivered by intake over HTTP (Standard Webhooks). Its
// signing secret is never in an event: topics are kept forever, and a secret must be destroyable

export const WEBHOOK_SUBSCRIPTIONS_TOPIC = 'support.webhook-subscriptions.v1';
export const WEBHOOK_SUBSCRIPTION_AGGREGATE = 'webhook-subscription';

/** the longest URL a subscription may name */
export const WEBHOOK_URL_MAX_LENGTH = 2048;

const subscriptionData = dataSchemaWith({ subscriptionId: { type: 'string', format: 'uuid' } }, ['subscriptionId']);

const target = {
  url: { type: 'string', minLength: 1, maxLength: WEBHOOK_URL_MAX_LENGTH, description: 'where deliveries are POSTed (https, unless the service allows http)' },
  eventTypes: {
    type: 'array',
    minItems: 1,
    uniqueItems: true,
    items: { type: 'string', pattern: '^support\\.ticket\\.' },
    description: 'the ticket event types delivered (types of the catalogue on support.tickets.v1)',
  },
} as const;

const reason = { type: 'string', minLength: 1, maxLength: 2000 } as const;

export const webhookSubscriptionCreated = defineEvent({
  type: 'support.webhook-subscription.created.v1',
  topic: WEBHOOK_SUBSCRIPTIONS_TOPIC,
  aggregate: WEBHOOK_SUBSCRIPTION_AGGREGATE,
  description: 'A lead or a service subscribed a URL to ticket events. The signing secret is kept apart, never in an event.',
  schema: subscriptionData({ ...target, description: { type: 'string', maxLength: 500 } }, ['url', 'eventTypes']),
});

export const webhookSubscriptionChanged = defineEvent({
  type: 'support.webhook-subscription.changed.v1',
  topic: WEBHOOK_SUBSCRIPTIONS_TOPIC,
  aggregate: WEBHOOK_SUBSCRIPTION_AGGREGATE,
  description: "The subscription's URL or event types changed; events recorded from now on follow the new types.",
  schema: subscriptionData(target, ['url', 'eventTypes']),
});

export const webhookSubscriptionSecretRotated = defineEvent({
  type: 'support.webhook-subscription.secret-rotated.v1',
  topic: WEBHOOK_SUBSCRIPTIONS_TOPIC,
  aggregate: WEBHOOK_SUBSCRIPTION_AGGREGATE,
  description: 'A new signing secret replaced the old one, which was destroyed; deliveries from now on are signed with the new one.',
  schema: subscriptionData({}),
});

export const webhookSubscriptionDisabled = defineEvent({
  type: 'support.webhook-subscription.disabled.v1',
  topic: WEBHOOK_SUBSCRIPTIONS_TOPIC,
  aggregate: WEBHOOK_SUBSCRIPTION_AGGREGATE,
  description:
    'Deliveries stopped: a lead or service disabled the subscription, or intake did after a delivery failed every attempt of the retry schedule (`failedDeliveryId`). Events are still queued for it and go out, in order, once it is enabled again.',
  schema: subscriptionData({ reason, failedDeliveryId: { type: 'string', format: 'uuid' } }, ['reason']),
});

export const webhookSubscriptionEnabled = defineEvent({
  type: 'support.webhook-subscription.enabled.v1',
  topic: WEBHOOK_SUBSCRIPTIONS_TOPIC,
  aggregate: WEBHOOK_SUBSCRIPTION_AGGREGATE,
  description: 'Deliveries resumed: what was queued or had failed goes out again, each ticket in order.',
  schema: subscriptionData({}),
});

export const webhookSubscriptionDeleted = defineEvent({
  type: 'support.webhook-subscription.deleted.v1',
  topic: WEBHOOK_SUBSCRIPTIONS_TOPIC,
  aggregate: WEBHOOK_SUBSCRIPTION_AGGREGATE,
  description: 'The subscription ended: its secret was destroyed and nothing more is delivered.',
  schema: subscriptionData({}),
});

export const webhookDeliveryReplayed = defineEvent({
  type: 'support.webhook-subscription.delivery-replayed.v1',
  topic: WEBHOOK_SUBSCRIPTIONS_TOPIC,
  aggregate: WEBHOOK_SUBSCRIPTION_AGGREGATE,
  description: 'A delivery was queued again (same webhook-id, the ticket event it carries): it goes out before any later event of its ticket.',
  schema: subscriptionData({ deliveryId: { type: 'string', format: 'uuid' }, eventId: { type: 'string', format: 'uuid' } }, ['deliveryId', 'eventId']),
});

export const webhookSubscriptionEvents = [
  webhookSubscriptionCreated,
  webhookSubscriptionChanged,
  webhookSubscriptionSecretRotated,
  webhookSubscriptionDisabled,
  webhookSubscriptionEnabled,
  webhookSubscriptionDeleted,
  webhookDeliveryReplayed,
];
export type WebhookSubscriptionEvent = EventOf<(typeof webhookSubscriptionEvents)[number]>;
