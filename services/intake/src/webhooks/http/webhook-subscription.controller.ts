import { Body, Controller, Delete, Get, Headers, HttpCode, NotFoundException, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiHeader, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Actor } from '@support/contracts';
import {
  AcceptsIfMatch,
  commandAnswer,
  commandContext,
  createdResponse,
  CurrentActor,
  PagedList,
  pageRequest,
  PageQuery,
  parseIdempotencyKey,
  RawPageQuery,
  refusalToHttp,
  Roles,
  StoresIdempotencyKey,
  UuidParam,
  VersionedRead,
} from '@support/service-kit';
import { DataSource } from 'typeorm';
import { WebhookSubscriptions } from '../application/webhook-subscriptions.service';
import { DELIVERY_CURSOR, DELIVERY_STATUSES, DeliveryStatus, WebhookDeliveriesRepository } from '../persistence/webhook-deliveries.repository';
import { SUBSCRIPTION_CURSOR, WebhookSubscriptionsRepository } from '../persistence/webhook-subscriptions.repository';
import {
  ChangeWebhookSubscriptionDto,
  CreateWebhookSubscriptionDto,
  DisableWebhookSubscriptionDto,
  EmptyWebhookDto,
  RotateSecretDto,
  WebhookBodyDto,
  WebhookDeliveryDto,
  WebhookSubscriptionChangedDto,
  WebhookSubscriptionDto,
} from './webhook-subscription.dto';

// partners' systems (a `service` token) and leads manage subscriptions; nobody else sees them
const MANAGERS = ['lead', 'service'] as const;

@ApiTags('webhooks')
@ApiBearerAuth()
@ApiHeader({ name: 'X-Correlation-Id', required: false })
@ApiExtraModels(WebhookSubscriptionDto, WebhookDeliveryDto, WebhookBodyDto)
@Controller('v1/webhook-subscriptions')
export class WebhookSubscriptionController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly subscriptions: WebhookSubscriptions,
    private readonly views: WebhookSubscriptionsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
  ) {}

  /** subscribes a URL to ticket event types; a generated secret is in this answer only */
  @Post()
  @Roles(...MANAGERS)
  @StoresIdempotencyKey()
  @ApiCreatedResponse({
    type: WebhookSubscriptionChangedDto,
    description:
      'subscribed; `secret` when one was generated (this answer only: a replay by Idempotency-Key comes without it). Each event is then POSTed to the URL as a WebhookBodyDto, signed with the Standard Webhooks headers webhook-id, webhook-timestamp and webhook-signature',
  })
  async create(
    @Body() body: CreateWebhookSubscriptionDto,
    @CurrentActor() actor: Actor,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers() headers: Record<string, string>,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    const outcome = await this.subscriptions.create(
      {
        url: body.url,
        eventTypes: [...body.eventTypes],
        ...(body.description === undefined ? {} : { description: body.description }),
        ...(body.secret === undefined ? {} : { secret: body.secret }),
      },
      commandContext(actor, headers),
      parseIdempotencyKey(idempotencyKey),
    );
    return createdResponse(outcome, res, (created) => `/v1/webhook-subscriptions/${created.id}`);
  }

  @Get()
  @Roles(...MANAGERS)
  @PagedList({ items: 'webhook subscriptions, oldest first', item: WebhookSubscriptionDto })
  list(@PageQuery() query: RawPageQuery) {
    return this.views.page(this.dataSource, pageRequest(query, SUBSCRIPTION_CURSOR));
  }

  @Get(':id')
  @Roles(...MANAGERS)
  @VersionedRead()
  @ApiOkResponse({ type: WebhookSubscriptionDto, description: 'the subscription (never its secret)' })
  async get(@UuidParam() id: string) {
    const view = await this.views.get(this.dataSource, id);
    if (!view) throw new NotFoundException(`webhook subscription ${id} not found`);
    return view;
  }

  /** a new URL or event types; events recorded from now on follow them, queued deliveries go to the new URL */
  @Put(':id')
  @Roles(...MANAGERS)
  @AcceptsIfMatch()
  @ApiOkResponse({ type: WebhookSubscriptionChangedDto })
  async change(@UuidParam() id: string, @Body() body: ChangeWebhookSubscriptionDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return commandAnswer(id, await this.subscriptions.change(id, body.url, [...body.eventTypes], commandContext(actor, headers)));
  }

  /** a new secret (yours, or generated and answered once); the old one is destroyed */
  @Post(':id/secret')
  @HttpCode(200)
  @Roles(...MANAGERS)
  @AcceptsIfMatch()
  // the kit's interceptor would keep the answer, secret and all, for a retry: this route keeps it without
  @StoresIdempotencyKey()
  @ApiOkResponse({ type: WebhookSubscriptionChangedDto, description: 'rotated; `secret` when one was generated (this answer only: a replay by Idempotency-Key comes without it)' })
  async rotateSecret(
    @UuidParam() id: string,
    @Body() body: RotateSecretDto,
    @CurrentActor() actor: Actor,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers() headers: Record<string, string>,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    const outcome = await this.subscriptions.rotateSecret(id, body.secret, commandContext(actor, headers), parseIdempotencyKey(idempotencyKey));
    return createdResponse(outcome, res, () => `/v1/webhook-subscriptions/${id}`);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @Roles(...MANAGERS)
  @AcceptsIfMatch()
  @ApiOkResponse({ type: WebhookSubscriptionChangedDto })
  async disable(@UuidParam() id: string, @Body() body: DisableWebhookSubscriptionDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return commandAnswer(id, await this.subscriptions.disable(id, body.reason, commandContext(actor, headers)));
  }

  /** deliveries resume, each ticket's from its earliest undelivered event (a failed one included) */
  @Post(':id/enable')
  @HttpCode(200)
  @Roles(...MANAGERS)
  @AcceptsIfMatch()
  @ApiOkResponse({ type: WebhookSubscriptionChangedDto })
  async enable(@UuidParam() id: string, @Body() _body: EmptyWebhookDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return commandAnswer(id, await this.subscriptions.enable(id, commandContext(actor, headers)));
  }

  /** ends the subscription and destroys its secret; its deliveries stay readable */
  @Delete(':id')
  @Roles(...MANAGERS)
  @AcceptsIfMatch()
  @ApiOkResponse({ type: WebhookSubscriptionChangedDto })
  async delete(@UuidParam() id: string, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return commandAnswer(id, await this.subscriptions.delete(id, commandContext(actor, headers)));
  }

  @Get(':id/deliveries')
  @Roles(...MANAGERS)
  @PagedList({ items: "the subscription's deliveries, newest first", item: WebhookDeliveryDto })
  @ApiQuery({ name: 'status', required: false, enum: DELIVERY_STATUSES })
  async listDeliveries(@UuidParam() id: string, @PageQuery() query: RawPageQuery, @Query('status') status?: string) {
    const problems = status !== undefined && !(DELIVERY_STATUSES as readonly string[]).includes(status) ? [`status must be one of: ${DELIVERY_STATUSES.join(', ')}`] : [];
    const page = pageRequest(query, DELIVERY_CURSOR, problems);
    if (!(await this.views.get(this.dataSource, id))) throw new NotFoundException(`webhook subscription ${id} not found`);
    return this.deliveries.page(this.dataSource, id, status as DeliveryStatus | undefined, page);
  }

  @Get(':id/deliveries/:deliveryId')
  @Roles(...MANAGERS)
  @ApiOkResponse({ type: WebhookDeliveryDto })
  async getDelivery(@UuidParam() id: string, @UuidParam('deliveryId') deliveryId: string) {
    const delivery = await this.deliveries.get(this.dataSource, id, deliveryId);
    if (!delivery) throw new NotFoundException(`delivery ${deliveryId} of webhook subscription ${id} not found`);
    return delivery;
  }

  /** queues the delivery again (same webhook-id), due now; it goes before any later event of its ticket */
  @Post(':id/deliveries/:deliveryId/replay')
  @HttpCode(200)
  @Roles(...MANAGERS)
  @AcceptsIfMatch()
  @ApiOkResponse({ type: WebhookSubscriptionChangedDto, description: "queued again; the answer is the subscription's new version" })
  async replay(
    @UuidParam() id: string,
    @UuidParam('deliveryId') deliveryId: string,
    @Body() _body: EmptyWebhookDto,
    @CurrentActor() actor: Actor,
    @Headers() headers: Record<string, string>,
  ) {
    const outcome = await this.subscriptions.replay(id, deliveryId, commandContext(actor, headers));
    if (!outcome.ok) return refusalToHttp(outcome);
    return commandAnswer(id, outcome);
  }
}
