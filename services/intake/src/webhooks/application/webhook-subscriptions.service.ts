import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Clock, WebhookSubscriptionEvent } from '@support/contracts';
import { CommandRefusal, invalid, reject, Rejection } from '@support/decider';
import { AppendPipeline, CommandContext, CommandHandler, CommandOutcome, IdempotencyStore, OnceOutcome } from '@support/command-handling';
import { literalHostProblem } from './webhook-address.policy';
import { generateSecret, SECRET_RULE, secretBytes, secretText } from './webhook-signing';
import { WebhookSettings } from './webhook-settings';
import { WebhookSubscription, WebhookSubscriptionCommand, webhookSubscriptionDecider, WebhookSubscriptionState, subscriptionExists, webhookUrlProblem } from '../domain';
import { WebhookDeliveriesRepository } from '../persistence/webhook-deliveries.repository';
import { WebhookSecrets, WebhookSubscriptionsRepository } from '../persistence/webhook-subscriptions.repository';

export const SUBSCRIPTION_STREAM = 'webhook-subscription';

/** What a caller asks for when subscribing. */
export interface SubscriptionInput {
  url: string;
  eventTypes: string[];
  description?: string;
  /** their own secret (whsec_...), or none: one is generated */
  secret?: string;
}

/** The answer to creating a subscription (or rotating its secret): the secret only in the first answer, never stored with it. */
export interface SubscriptionCreated {
  id: string;
  status: string;
  version: number;
  secret?: string;
}

type CommandInput = (at: Date) => WebhookSubscriptionCommand;

const CREATE_SCOPE = 'create-webhook-subscription';
const ROTATE_SCOPE = 'rotate-webhook-secret';

/**
 * Webhook subscriptions on the libs' command path (load, decide, append through intake's pipeline and
 * outbox, save the read model), and their secrets, kept apart from every event and every read.
 */
export class WebhookSubscriptions {
  readonly streams: CommandHandler<WebhookSubscriptionCommand, WebhookSubscriptionEvent, WebhookSubscriptionState, WebhookSubscription>;

  constructor(
    private readonly dataSource: DataSource,
    pipeline: AppendPipeline,
    clock: Clock,
    private readonly idempotency: IdempotencyStore,
    readonly views: WebhookSubscriptionsRepository,
    private readonly secrets: WebhookSecrets,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly settings: WebhookSettings,
  ) {
    this.streams = new CommandHandler(pipeline, clock, {
      streamType: SUBSCRIPTION_STREAM,
      decider: webhookSubscriptionDecider,
      exists: subscriptionExists,
      saveView: (manager, subscription, version) => views.save(manager, subscription, version, clock.now()),
    });
  }

  /**
   * Subscribes, storing the secret (given or generated) in the same transaction; honours Idempotency-Key.
   * A generated secret is in this answer only: a replayed answer comes without it (rotate for a new one).
   */
  async create(input: SubscriptionInput, context: CommandContext, idempotencyKey?: string): Promise<OnceOutcome<SubscriptionCreated, Rejection>> {
    const problem = this.urlProblem(input.url) ?? (input.secret === undefined || secretBytes(input.secret) ? undefined : SECRET_RULE);
    if (problem) return { refused: invalid(problem) };
    const generated = input.secret === undefined ? generateSecret() : undefined;
    const secret = generated ?? secretBytes(input.secret)!;
    // the request as remembered for the key: its secret as a digest would still be a copy, so it is left out
    const { secret: _, ...remembered } = input;
    const outcome = await this.idempotency.once<SubscriptionCreated, Rejection>(
      this.dataSource,
      { operation: CREATE_SCOPE, caller: context.actor.id },
      idempotencyKey,
      remembered,
      async (manager) => {
        const id = randomUUID();
        const created = await this.streams.handleIn(
          manager,
          id,
          (at) => ({
            type: 'CreateSubscription',
            subscriptionId: id,
            url: input.url,
            eventTypes: input.eventTypes,
            ...(input.description === undefined ? {} : { description: input.description }),
            actor: context.actor,
            at,
          }),
          context,
        );
        if (!created.ok) return { refused: created as Rejection };
        await this.secrets.put(manager, id, secret, created.events[0].occurredAt);
        return { status: 201, body: { id, status: created.entity.status, version: created.version } };
      },
    );
    if ('status' in outcome && generated && !outcome.replayed) return { ...outcome, body: { ...outcome.body, secret: secretText(generated) } };
    return outcome;
  }

  async change(id: string, url: string, eventTypes: string[], context: CommandContext): Promise<CommandOutcome<WebhookSubscription>> {
    const problem = this.urlProblem(url);
    if (problem) return invalid(problem);
    return this.run(id, (at) => ({ type: 'ChangeSubscription', subscriptionId: id, url, eventTypes, actor: context.actor, at }), context);
  }

  /**
   * A new secret (given or generated) replaces the old, which is gone once this commits; honours
   * Idempotency-Key itself, so that the answer kept for a retry holds no secret (a replay comes without it).
   */
  async rotateSecret(id: string, given: string | undefined, context: CommandContext, idempotencyKey?: string): Promise<OnceOutcome<SubscriptionCreated, CommandRefusal>> {
    if (given !== undefined && !secretBytes(given)) return { refused: invalid(SECRET_RULE) };
    const secret = given === undefined ? generateSecret() : secretBytes(given)!;
    const scope = { operation: ROTATE_SCOPE, caller: context.actor.id };
    const outcome = await this.idempotency.once<SubscriptionCreated, CommandRefusal>(this.dataSource, scope, idempotencyKey, { id }, async (manager) => {
      const rotated = await this.streams.handleIn(manager, id, (at) => ({ type: 'RotateSecret', subscriptionId: id, actor: context.actor, at }), context, {
        alongside: (m, at) => this.secrets.put(m, id, secret, at),
      });
      if (!rotated.ok) return { refused: rotated };
      return { status: 200, body: { id, status: rotated.entity.status, version: rotated.version } };
    });
    if ('status' in outcome && given === undefined && !outcome.replayed) return { ...outcome, body: { ...outcome.body, secret: secretText(secret) } };
    return outcome;
  }

  disable(id: string, reason: string, context: CommandContext): Promise<CommandOutcome<WebhookSubscription>> {
    return this.run(id, (at) => ({ type: 'DisableSubscription', subscriptionId: id, reason, actor: context.actor, at }), context);
  }

  /** enabled again: deliveries that had failed for good are queued again, due now */
  enable(id: string, context: CommandContext): Promise<CommandOutcome<WebhookSubscription>> {
    return this.run(
      id,
      (at) => ({ type: 'EnableSubscription', subscriptionId: id, actor: context.actor, at }),
      context,
      (manager, at) => this.deliveries.requeueFailed(manager, id, at),
    );
  }

  /** deleted with its secret: nothing more is delivered, the deliveries stay readable */
  delete(id: string, context: CommandContext): Promise<CommandOutcome<WebhookSubscription>> {
    return this.run(
      id,
      (at) => ({ type: 'DeleteSubscription', subscriptionId: id, actor: context.actor, at }),
      context,
      (manager) => this.secrets.remove(manager, id),
    );
  }

  /** queues a delivery again (same webhook-id), due now; it goes before any later event of its ticket */
  async replay(id: string, deliveryId: string, context: CommandContext): Promise<CommandOutcome<WebhookSubscription> | CommandRefusal> {
    const delivery = await this.deliveries.get(this.dataSource, id, deliveryId);
    if (!delivery) return reject('not-found', `delivery ${deliveryId} of webhook subscription ${id} not found`);
    return this.run(
      id,
      (at) => ({ type: 'ReplayDelivery', subscriptionId: id, deliveryId, eventId: delivery.eventId, actor: context.actor, at }),
      context,
      (manager, at) => this.deliveries.requeue(manager, deliveryId, at),
    );
  }

  /** the deliverer's own decision once a delivery failed every attempt of the schedule, in the caller's transaction */
  disableAfterFailure(manager: EntityManager, id: string, failedDeliveryId: string, reason: string, context: CommandContext): Promise<CommandOutcome<WebhookSubscription>> {
    return this.streams.handleIn(manager, id, (at) => ({ type: 'DisableSubscription', subscriptionId: id, reason, failedDeliveryId, actor: context.actor, at }), context);
  }

  private urlProblem(url: unknown): string | undefined {
    const shape = webhookUrlProblem(url, { allowHttp: this.settings.allowHttp });
    if (shape) return shape;
    return this.settings.allowPrivateAddresses ? undefined : literalHostProblem(url as string);
  }

  /** a command in its own transaction, with what must change beside the stream (a secret, the queue) in it too */
  private run(
    id: string,
    command: CommandInput,
    context: CommandContext,
    alongside?: (manager: EntityManager, at: Date) => Promise<void>,
  ): Promise<CommandOutcome<WebhookSubscription>> {
    return this.streams.handle(this.dataSource, id, command, context, alongside ? { alongside } : {});
  }
}
