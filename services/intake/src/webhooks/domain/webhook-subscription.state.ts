import { WebhookSubscriptionEvent } from '@support/contracts';

export const SUBSCRIPTION_STATUSES = ['enabled', 'disabled', 'deleted'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** A subscription as its stream tells it; the secret is not part of it. */
export interface WebhookSubscription {
  readonly id: string;
  readonly status: SubscriptionStatus;
  readonly url: string;
  readonly eventTypes: readonly string[];
  readonly description?: string;
  /** why it was disabled, while it is */
  readonly disabledReason?: string;
}

export type WebhookSubscriptionState = { status: 'none' } | WebhookSubscription;

export const initialSubscriptionState = (): WebhookSubscriptionState => ({ status: 'none' });

export function subscriptionExists(state: WebhookSubscriptionState): state is WebhookSubscription {
  return state.status !== 'none';
}

export function evolveSubscription(state: WebhookSubscriptionState, event: WebhookSubscriptionEvent): WebhookSubscriptionState {
  if (event.type === 'support.webhook-subscription.created.v1') {
    const { subscriptionId, url, eventTypes, description } = event.data;
    return { id: subscriptionId, status: 'enabled', url, eventTypes: [...eventTypes], ...(description === undefined ? {} : { description }) };
  }
  if (!subscriptionExists(state)) throw new Error(`${event.type} before the subscription was created`);
  switch (event.type) {
    case 'support.webhook-subscription.changed.v1':
      return { ...state, url: event.data.url, eventTypes: [...event.data.eventTypes] };
    case 'support.webhook-subscription.disabled.v1':
      return { ...state, status: 'disabled', disabledReason: event.data.reason };
    case 'support.webhook-subscription.enabled.v1':
      return { ...withoutReason(state), status: 'enabled' };
    case 'support.webhook-subscription.deleted.v1':
      return { ...withoutReason(state), status: 'deleted' };
    case 'support.webhook-subscription.secret-rotated.v1':
    case 'support.webhook-subscription.delivery-replayed.v1':
      return state;
  }
}

function withoutReason({ disabledReason: _, ...rest }: WebhookSubscription): WebhookSubscription {
  return rest;
}
