import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Clock, eventCatalogue, TICKETS_TOPIC } from '@support/contracts';
import { ConsumedEvent, EventContext, EventHandlers } from '@support/messaging';
import { CLOCK } from '@support/service-kit';
import { QueuedDelivery, WebhookDeliveriesRepository } from '../persistence/webhook-deliveries.repository';
import { WebhookSubscriptionsRepository } from '../persistence/webhook-subscriptions.repository';
import { webhookBody } from './webhook-body';

/**
 * Feeds the webhook queue from intake's own ticket topic, where every ticket's events are in order,
 * whichever service's decision made them: each event becomes a delivery per subscription naming its
 * type. The group's inbox, in the same transaction, makes a redelivered event queue nothing twice (and
 * the queue's (subscription, event) key would refuse it anyway).
 */
@EventHandlers()
export class WebhookFanoutReactor {
  constructor(
    private readonly subscriptions: WebhookSubscriptionsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @EventPattern(eventCatalogue.typesOn(TICKETS_TOPIC), { group: 'webhooks', batchSize: 200 })
  async queue(@Payload() events: ConsumedEvent[], @Ctx() { manager }: EventContext): Promise<void> {
    const byType = new Map<string, string[]>();
    const queued: QueuedDelivery[] = [];
    for (const event of events) {
      if (!byType.has(event.type)) byType.set(event.type, await this.subscriptions.subscribedTo(manager, event.type));
      const body = webhookBody(event);
      for (const subscriptionId of byType.get(event.type)!) {
        queued.push({ id: randomUUID(), subscriptionId, eventId: event.id, eventType: event.type, ticketId: event.subject, ticketVersion: event.streamVersion, body });
      }
    }
    await this.deliveries.enqueue(manager, queued, this.clock.now());
  }
}
