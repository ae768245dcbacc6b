import { DataSource } from 'typeorm';
import { Clock } from '@support/contracts';
import { nextAttemptAt } from '../domain';
import { WebhookDeliveriesRepository, DueDelivery } from '../persistence/webhook-deliveries.repository';
import { WebhookSecrets } from '../persistence/webhook-subscriptions.repository';
import { resolvedHostProblem } from './webhook-address.policy';
import { sendDelivery, SendResult } from './webhook-sender';
import { signatureHeaders } from './webhook-signing';
import { WebhookSettings } from './webhook-settings';
import { WebhookSubscriptions } from './webhook-subscriptions.service';

/** deliveries sent in one run, at most (each a different (subscription, ticket)) */
export const DISPATCH_BATCH = 100;

/** who disables a subscription after a delivery failed every attempt */
const DELIVERER = { id: 'intake-webhooks', role: 'service' } as const;

/** What one run did. */
export interface DispatchRun {
  attempted: number;
  delivered: number;
}

/**
 * Sends what is due: of each (subscription, ticket), the earliest event not yet delivered, so a ticket's
 * events reach a partner in their order, and one ticket's failing delivery holds back only that ticket.
 * A failure is tried again on the schedule (back-off with jitter, "due" read from the injected clock);
 * once the schedule is spent the delivery has failed for good and the subscription is disabled, with an
 * event. One instance dispatches at a time (the caller holds the lease): a second could send a ticket's
 * next event while the first still waits for the previous one's answer.
 */
export class WebhookDispatcher {
  constructor(
    private readonly dataSource: DataSource,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly secrets: WebhookSecrets,
    private readonly subscriptions: WebhookSubscriptions,
    private readonly clock: Clock,
    private readonly settings: WebhookSettings,
    private readonly random: () => number = Math.random,
  ) {}

  async runDue(): Promise<DispatchRun> {
    const due = await this.deliveries.due(this.dataSource, this.clock.now(), DISPATCH_BATCH);
    if (due.length === 0) return { attempted: 0, delivered: 0 };
    const secrets = await this.secrets.secretsOf(this.dataSource, [...new Set(due.map((d) => d.subscriptionId))]);
    const results = await Promise.all(due.map((delivery) => this.attempt(delivery, secrets.get(delivery.subscriptionId))));
    return { attempted: due.length, delivered: results.filter((result) => result.delivered).length };
  }

  private async attempt(delivery: DueDelivery, secret: Buffer | undefined): Promise<SendResult> {
    const result = await this.send(delivery, secret);
    const at = this.clock.now();
    const next = result.delivered ? undefined : nextAttemptAt(delivery.attempts + 1, at, this.settings.retry, this.random());
    await this.dataSource.transaction(async (manager) => {
      await this.deliveries.record(manager, delivery.id, { at, ...result, ...(next ? { nextAttemptAt: next } : {}) });
      if (result.delivered || next) return;
      const reason = `delivery ${delivery.id} (event ${delivery.eventId}) failed ${delivery.attempts + 1} attempts, the last: ${result.error ?? 'no answer'}`;
      const disabled = await this.subscriptions.disableAfterFailure(manager, delivery.subscriptionId, delivery.id, reason, {
        actor: DELIVERER,
        causationId: delivery.eventId,
        correlationId: delivery.eventId,
      });
      // disabled meanwhile by a caller: the delivery's failure stands, nothing more to decide
      if (!disabled.ok && disabled.code !== 'illegal-transition') throw new Error(`webhook subscription ${delivery.subscriptionId} could not be disabled: ${disabled.reason}`);
    });
    return result;
  }

  private async send(delivery: DueDelivery, secret: Buffer | undefined): Promise<SendResult> {
    if (!secret) return { statusCode: null, error: 'the subscription has no secret', delivered: false };
    const refused = this.settings.allowPrivateAddresses ? undefined : await resolvedHostProblem(delivery.url);
    if (refused) return { statusCode: null, error: refused, delivered: false };
    const headers = signatureHeaders(secret, delivery.eventId, this.clock.now(), delivery.body);
    return sendDelivery(delivery.url, headers, delivery.body, this.settings.timeoutMs);
  }
}
