import { ticketEvents, WebhookSubscriptionEvent } from '@support/contracts';
import { accept, Decider, Decision, invalid, reject } from '@support/decider';
import { WebhookSubscriptionCommand } from './webhook-subscription.commands';
import { evolveSubscription, initialSubscriptionState, subscriptionExists, WebhookSubscriptionState } from './webhook-subscription.state';

/** the ticket event types a subscription may name: every ticket event of the catalogue */
export const WEBHOOK_EVENT_TYPES: readonly string[] = ticketEvents.map((definition) => definition.type);

const MAX_EVENT_TYPES = WEBHOOK_EVENT_TYPES.length;
const DESCRIPTION_MAX = 500;
const REASON_MAX = 2000;

/**
 * The webhook subscription's decider: created enabled; its URL and types changed, its secret rotated,
 * disabled (by a caller, or after a delivery failed every attempt) and enabled again, deliveries
 * replayed; deleted for good. Whether the URL may be used is the application's check (it knows the
 * configuration and the network), as is whether a replayed delivery exists.
 */
export const webhookSubscriptionDecider: Decider<WebhookSubscriptionCommand, WebhookSubscriptionEvent, WebhookSubscriptionState> = {
  initialState: initialSubscriptionState,
  decide: decideSubscription,
  evolve: evolveSubscription,
};

export function decideSubscription(command: WebhookSubscriptionCommand, state: WebhookSubscriptionState): Decision<WebhookSubscriptionEvent> {
  const subscriptionId = command.subscriptionId;
  if (command.type === 'CreateSubscription') {
    if (state.status !== 'none') return reject('illegal-transition', `webhook subscription ${subscriptionId} exists already`);
    const problem = eventTypesProblem(command.eventTypes) ?? descriptionProblem(command.description);
    if (problem) return invalid(problem);
    const { url, eventTypes, description } = command;
    return accept({
      type: 'support.webhook-subscription.created.v1',
      data: { subscriptionId, url, eventTypes: [...eventTypes], ...(description === undefined ? {} : { description }) },
    });
  }
  if (!subscriptionExists(state)) return reject('not-found', `webhook subscription ${subscriptionId} not found`);
  if (state.status === 'deleted') return reject('illegal-transition', `webhook subscription ${subscriptionId} was deleted`);
  switch (command.type) {
    case 'ChangeSubscription': {
      const problem = eventTypesProblem(command.eventTypes);
      if (problem) return invalid(problem);
      return accept({ type: 'support.webhook-subscription.changed.v1', data: { subscriptionId, url: command.url, eventTypes: [...command.eventTypes] } });
    }
    case 'RotateSecret':
      return accept({ type: 'support.webhook-subscription.secret-rotated.v1', data: { subscriptionId } });
    case 'DisableSubscription': {
      if (state.status === 'disabled') return reject('illegal-transition', `webhook subscription ${subscriptionId} is disabled already`);
      if (typeof command.reason !== 'string' || command.reason.trim() === '') return invalid('reason must not be empty');
      if (command.reason.length > REASON_MAX) return invalid(`reason must be at most ${REASON_MAX} characters`);
      const failed = command.failedDeliveryId === undefined ? {} : { failedDeliveryId: command.failedDeliveryId };
      return accept({ type: 'support.webhook-subscription.disabled.v1', data: { subscriptionId, reason: command.reason, ...failed } });
    }
    case 'EnableSubscription':
      if (state.status === 'enabled') return reject('illegal-transition', `webhook subscription ${subscriptionId} is enabled already`);
      return accept({ type: 'support.webhook-subscription.enabled.v1', data: { subscriptionId } });
    case 'DeleteSubscription':
      return accept({ type: 'support.webhook-subscription.deleted.v1', data: { subscriptionId } });
    case 'ReplayDelivery':
      return accept({ type: 'support.webhook-subscription.delivery-replayed.v1', data: { subscriptionId, deliveryId: command.deliveryId, eventId: command.eventId } });
  }
}

/** at least one type, each a ticket event type of the catalogue, none twice */
export function eventTypesProblem(eventTypes: unknown): string | undefined {
  if (!Array.isArray(eventTypes) || eventTypes.length === 0) return 'eventTypes must list at least one ticket event type';
  if (eventTypes.length > MAX_EVENT_TYPES) return `eventTypes must list at most ${MAX_EVENT_TYPES} types`;
  for (const [i, type] of eventTypes.entries()) {
    if (typeof type !== 'string' || !WEBHOOK_EVENT_TYPES.includes(type)) return `eventTypes[${i}] must be a ticket event type of the catalogue, e.g. support.ticket.contacted.v1`;
    if (eventTypes.indexOf(type) !== i) return `eventTypes[${i}] ${type} is listed twice`;
  }
  return undefined;
}

function descriptionProblem(description: unknown): string | undefined {
  if (description === undefined) return undefined;
  return typeof description === 'string' && description.length <= DESCRIPTION_MAX ? undefined : `description must be text of at most ${DESCRIPTION_MAX} characters`;
}
