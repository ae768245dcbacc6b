import { Actor } from '@support/contracts';

interface SubscriptionCommand<Type extends string> {
  type: Type;
  subscriptionId: string;
  actor: Actor;
  /** now, from the injected clock: the decider never reads a clock */
  at: Date;
}

/** A lead or a service subscribes a URL to ticket event types; the secret is the application's, never the decider's. */
export interface CreateSubscription extends SubscriptionCommand<'CreateSubscription'> {
  url: string;
  eventTypes: string[];
  description?: string;
}

export interface ChangeSubscription extends SubscriptionCommand<'ChangeSubscription'> {
  url: string;
  eventTypes: string[];
}

export type RotateSecret = SubscriptionCommand<'RotateSecret'>;

/** by a caller, or by the deliverer once a delivery failed every attempt (`failedDeliveryId`) */
export interface DisableSubscription extends SubscriptionCommand<'DisableSubscription'> {
  reason: string;
  failedDeliveryId?: string;
}

export type EnableSubscription = SubscriptionCommand<'EnableSubscription'>;
export type DeleteSubscription = SubscriptionCommand<'DeleteSubscription'>;

export interface ReplayDelivery extends SubscriptionCommand<'ReplayDelivery'> {
  deliveryId: string;
  eventId: string;
}

export type WebhookSubscriptionCommand = CreateSubscription | ChangeSubscription | RotateSecret | DisableSubscription | EnableSubscription | DeleteSubscription | ReplayDelivery;
