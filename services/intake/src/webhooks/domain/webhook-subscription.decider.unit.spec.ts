import { Actor, WebhookSubscriptionEvent } from '@support/contracts';
import { CommandInput } from '@support/decider';
import { catalogueCheckedSpecification } from '@support/test-kit';
import { WebhookSubscriptionCommand } from './webhook-subscription.commands';
import { eventTypesProblem, WEBHOOK_EVENT_TYPES, webhookSubscriptionDecider } from './webhook-subscription.decider';

const spec = catalogueCheckedSpecification(webhookSubscriptionDecider);
const ID = '6f1c1f8e-2f5e-4c5e-9a55-0d3f4d8f0a11';
const DELIVERY = '0b7a4e02-98b1-4f4c-a1f4-5c0f6d3e2b10';
const EVENT = '9d2e6a3c-4b1f-4e7d-8c2a-1f0e9d8c7b6a';
const lead: Actor = { id: 'lead-1', role: 'lead' };
const AT = new Date('2026-12-07T08:00:00Z');
const URL_A = 'https://partner.example.com/hooks';
const TYPES = ['support.ticket.received.v1', 'support.ticket.contacted.v1'];

const command = (c: CommandInput<WebhookSubscriptionCommand, 'subscriptionId'>): WebhookSubscriptionCommand =>
  ({ subscriptionId: ID, actor: lead, at: AT, ...c }) as WebhookSubscriptionCommand;
const created: WebhookSubscriptionEvent = { type: 'support.webhook-subscription.created.v1', data: { subscriptionId: ID, url: URL_A, eventTypes: TYPES } };
const disabled: WebhookSubscriptionEvent = { type: 'support.webhook-subscription.disabled.v1', data: { subscriptionId: ID, reason: 'maintenance' } };
const deleted: WebhookSubscriptionEvent = { type: 'support.webhook-subscription.deleted.v1', data: { subscriptionId: ID } };

describe('webhook subscription decider', () => {
  it('creates a subscription with its URL and ticket event types, never its secret', () => {
    spec
      .given([])
      .when(command({ type: 'CreateSubscription', url: URL_A, eventTypes: TYPES }))
      .then([created]);
    spec
      .given([])
      .when(command({ type: 'CreateSubscription', url: URL_A, eventTypes: TYPES, description: 'ERP' }))
      .then([{ ...created, data: { ...created.data, description: 'ERP' } } as WebhookSubscriptionEvent]);
  });

  it('refuses an unknown or repeated event type, naming the field', () => {
    spec
      .given([])
      .when(command({ type: 'CreateSubscription', url: URL_A, eventTypes: ['support.ticket.teleported.v1'] }))
      .thenRejects('invalid-command', /^eventTypes\[0\] must be a ticket event type/);
    spec
      .given([])
      .when(command({ type: 'CreateSubscription', url: URL_A, eventTypes: [] }))
      .thenRejects('invalid-command', /^eventTypes must list at least one/);
    spec
      .given([created])
      .when(command({ type: 'ChangeSubscription', url: URL_A, eventTypes: [TYPES[0], TYPES[0]] }))
      .thenRejects('invalid-command', /eventTypes\[1\] .* twice/);
    // other families' events are not on the ticket topic the deliverer reads
    expect(eventTypesProblem(['support.lead.captured.v1'])).toMatch(/eventTypes\[0\]/);
    expect(WEBHOOK_EVENT_TYPES).toContain('support.ticket.closed.v1');
  });

  it('changes, rotates, disables, enables and deletes, each once in its state', () => {
    spec
      .given([created])
      .when(command({ type: 'ChangeSubscription', url: 'https://other.example.com/', eventTypes: [TYPES[1]] }))
      .then([{ type: 'support.webhook-subscription.changed.v1', data: { subscriptionId: ID, url: 'https://other.example.com/', eventTypes: [TYPES[1]] } }]);
    spec
      .given([created])
      .when(command({ type: 'RotateSecret' }))
      .then([{ type: 'support.webhook-subscription.secret-rotated.v1', data: { subscriptionId: ID } }]);
    spec
      .given([created])
      .when(command({ type: 'DisableSubscription', reason: 'maintenance' }))
      .then([disabled]);
    spec
      .given([created, disabled])
      .when(command({ type: 'DisableSubscription', reason: 'again' }))
      .thenRejects('illegal-transition', /disabled already/);
    spec
      .given([created])
      .when(command({ type: 'EnableSubscription' }))
      .thenRejects('illegal-transition', /enabled already/);
    spec
      .given([created, disabled])
      .when(command({ type: 'EnableSubscription' }))
      .then([{ type: 'support.webhook-subscription.enabled.v1', data: { subscriptionId: ID } }]);
    spec
      .given([created, disabled])
      .when(command({ type: 'DeleteSubscription' }))
      .then([deleted]);
  });

  it('records the deliverer disabling it after a delivery failed every attempt', () => {
    spec
      .given([created])
      .when(command({ type: 'DisableSubscription', reason: 'delivery failed 8 attempts', failedDeliveryId: DELIVERY }))
      .then([{ type: 'support.webhook-subscription.disabled.v1', data: { subscriptionId: ID, reason: 'delivery failed 8 attempts', failedDeliveryId: DELIVERY } }]);
    spec
      .given([created])
      .when(command({ type: 'DisableSubscription', reason: ' ' }))
      .thenRejects('invalid-command', /^reason/);
  });

  it('replays a delivery of a subscription enabled or disabled, not of a deleted one', () => {
    const replay = command({ type: 'ReplayDelivery', deliveryId: DELIVERY, eventId: EVENT });
    spec
      .given([created, disabled])
      .when(replay)
      .then([{ type: 'support.webhook-subscription.delivery-replayed.v1', data: { subscriptionId: ID, deliveryId: DELIVERY, eventId: EVENT } }]);
    spec
      .given([created, deleted])
      .when(replay)
      .thenRejects('illegal-transition', /deleted/);
  });

  it('answers not-found before creation and refuses a second creation', () => {
    spec
      .given([])
      .when(command({ type: 'RotateSecret' }))
      .thenRejects('not-found');
    spec
      .given([created])
      .when(command({ type: 'CreateSubscription', url: URL_A, eventTypes: TYPES }))
      .thenRejects('illegal-transition', /exists already/);
  });
});
