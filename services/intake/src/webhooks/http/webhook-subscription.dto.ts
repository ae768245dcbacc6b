import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { WEBHOOK_URL_MAX_LENGTH } from '@support/contracts';
import { SUBSCRIPTION_STATUSES, WEBHOOK_EVENT_TYPES } from '../domain';
import { DELIVERY_STATUSES } from '../persistence/webhook-deliveries.repository';

const EVENT_TYPES_RULE = 'each value must be a ticket event type of the catalogue (support.ticket.*.v1, see /docs and docs/events/asyncapi.yaml)';
const SECRET_EXAMPLE = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

export class CreateWebhookSubscriptionDto {
  @ApiProperty({
    example: 'https://partner.example.com/support-ops/webhooks',
    maxLength: WEBHOOK_URL_MAX_LENGTH,
    description: 'https (http only where the service allows it); no user name or password; a public address unless the service allows private ones',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(WEBHOOK_URL_MAX_LENGTH)
  url!: string;

  @ApiProperty({ type: [String], example: ['support.ticket.received.v1', 'support.ticket.resolved.v1'], description: 'ticket event types to deliver' })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true, message: EVENT_TYPES_RULE })
  eventTypes!: string[];

  @ApiPropertyOptional({ example: 'ERP of the rental desk', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ example: SECRET_EXAMPLE, description: 'your signing secret, whsec_ + base64 of 24-64 random bytes; left out: one is generated and answered once' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  secret?: string;
}

export class ChangeWebhookSubscriptionDto {
  @ApiProperty({ example: 'https://partner.example.com/support-ops/webhooks', maxLength: WEBHOOK_URL_MAX_LENGTH })
  @IsString()
  @IsNotEmpty()
  @MaxLength(WEBHOOK_URL_MAX_LENGTH)
  url!: string;

  @ApiProperty({ type: [String], example: ['support.ticket.received.v1'] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true, message: EVENT_TYPES_RULE })
  eventTypes!: string[];
}

export class RotateSecretDto {
  @ApiPropertyOptional({ example: SECRET_EXAMPLE, description: 'the new secret; left out: one is generated and answered once' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  secret?: string;
}

export class DisableWebhookSubscriptionDto {
  @ApiProperty({ example: 'partner migrating their endpoint' }) @IsString() @IsNotEmpty() @MaxLength(2000) reason!: string;
}

export class EmptyWebhookDto {}

export class WebhookSubscriptionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: SUBSCRIPTION_STATUSES, example: 'enabled' }) status!: string;
  @ApiProperty({ example: 'https://partner.example.com/support-ops/webhooks' }) url!: string;
  @ApiProperty({ type: [String], example: ['support.ticket.received.v1'] }) eventTypes!: string[];
  @ApiPropertyOptional({ example: 'ERP of the rental desk' }) description?: string;
  @ApiPropertyOptional({ description: 'why it is disabled, while it is', example: 'delivery ... failed 8 attempts, the last: answered 503' }) disabledReason?: string;
  @ApiProperty({ example: 1, description: 'the stream version: the ETag' }) version!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class WebhookSubscriptionChangedDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: SUBSCRIPTION_STATUSES, example: 'enabled' }) status!: string;
  @ApiProperty({ example: 2 }) version!: number;
  @ApiPropertyOptional({ example: SECRET_EXAMPLE, description: 'a generated secret, in this answer only (never stored with an answer, never read again)' })
  secret?: string;
}

export class WebhookDeliveryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) subscriptionId!: string;
  @ApiProperty({ format: 'uuid', description: 'the ticket event id: the webhook-id header, the same on every retry' }) eventId!: string;
  @ApiProperty({ example: 'support.ticket.contacted.v1' }) eventType!: string;
  @ApiProperty({ format: 'uuid' }) ticketId!: string;
  @ApiProperty({ example: 3, description: "the ticket's version this event made" }) ticketVersion!: number;
  @ApiProperty({ enum: DELIVERY_STATUSES, example: 'pending', description: 'pending: queued or retrying; delivered: answered 2xx; failed: every attempt failed' }) status!: string;
  @ApiProperty({ example: 2, description: 'attempts since it was last queued' }) attempts!: number;
  @ApiProperty({ format: 'date-time', nullable: true }) nextAttemptAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true }) lastAttemptAt!: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 503 }) lastStatusCode!: number | null;
  @ApiProperty({ type: String, nullable: true, example: 'answered 503' }) lastError!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true }) deliveredAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

class WebhookActorDto {
  @ApiProperty({ example: 'agent-1' }) id!: string;
  @ApiProperty({ example: 'agent' }) role!: string;
}

class WebhookEventDto {
  @ApiProperty({ format: 'uuid', description: 'the ticket event id: also the webhook-id header, the same on every retry' }) eventId!: string;
  @ApiProperty({ format: 'uuid' }) ticketId!: string;
  @ApiProperty({ example: 3, description: "the ticket's version this event made: 1, 2, 3, ... in order" }) version!: number;
  @ApiProperty({ type: WebhookActorDto }) actor!: WebhookActorDto;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'the event or request that caused it' }) causationId!: string | null;
  @ApiProperty({ type: String, nullable: true }) correlationId!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: "the event's data as the catalogue describes it (docs/events/asyncapi.yaml), without personal data" })
  event!: Record<string, unknown>;
}

/**
 * What a subscribed URL receives: a POST of this JSON, with the headers webhook-id, webhook-timestamp
 * and webhook-signature (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, Standard Webhooks).
 */
export class WebhookBodyDto {
  @ApiProperty({ example: 'support.ticket.contacted.v1', description: 'a ticket event type the subscription names' }) type!: string;
  @ApiProperty({ format: 'date-time', description: 'when the event was recorded' }) timestamp!: string;
  @ApiProperty({ type: WebhookEventDto }) data!: WebhookEventDto;
}
