import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ASSIGNEE_ROLES, ROLES } from '@support/contracts';

// answers every service gives alike (commands, audit histories, dead letters): described once here

/** The answer to a command on an aggregate (`commandAnswer`): its id, new status where it has one, new version. */
export class CommandAnswerDto {
  @ApiProperty({ format: 'uuid', example: '0f8b8a34-4a59-4c1f-9a55-0c1f4c6d2b1e' }) id!: string;
  @ApiPropertyOptional({ description: 'the new status, for an aggregate that has one', example: 'published' }) status?: string;
  @ApiProperty({ description: 'the new version: send it as If-Match next', example: 3 }) version!: number;
}

export class ActorRefDto {
  @ApiProperty({ example: 'agent-li' }) id!: string;
  @ApiProperty({ enum: ROLES, example: 'agent' }) role!: string;
}

/** One stored event of a stream as its audit history shows it, oldest first. */
export class AuditEntryDto {
  @ApiProperty({ format: 'uuid', description: "the event's id: what a later event names as its causationId", example: '7d1f5a0e-2f7b-4c3e-9d4a-1b2c3d4e5f60' }) id!: string;
  @ApiProperty({ description: "the event's position in its stream, from 1", example: 1 }) seq!: number;
  @ApiProperty({ example: 'support.ticket.received.v1' }) type!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T01:15:00.000Z' }) at!: string;
  @ApiProperty({ type: ActorRefDto }) actor!: ActorRefDto;
  @ApiProperty({ type: 'object', additionalProperties: true, description: "the event's data (its schema in docs/events)", example: { urgency: 'urgent' } }) data!: unknown;
  @ApiProperty({ type: String, nullable: true, example: null }) causationId!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'c-2026-0302-0001' }) correlationId!: string | null;
  @ApiProperty({ example: '0000000000000000000000000000000000000000000000000000000000000000' }) prevHash!: string;
  @ApiProperty({ example: '5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8' }) hash!: string;
}

/** A stream's hash chain recomputed: valid, or the first link that does not match. */
export class ChainVerificationDto {
  @ApiProperty({ example: true }) valid!: boolean;
  @ApiProperty({ description: 'events in the stream', example: 7 }) length!: number;
  @ApiPropertyOptional({ description: 'when not valid: the seq of the first broken link', example: 4 }) brokenAt?: number;
}

/** One consumer group's dead letters. */
export class DeadLetterGroupDto {
  @ApiProperty({ example: 'intake.routing-decisions' }) group!: string;
  @ApiProperty({ example: 'support.dlq.intake.routing-decisions' }) deadLetterTopic!: string;
  @ApiProperty({ example: 0 }) parkedMessages!: number;
}

/** A group's parked events, sent through its handler again. */
export class ReplayAnswerDto {
  @ApiProperty({ example: 'intake.routing-decisions' }) group!: string;
  @ApiProperty({ description: 'parked events replayed', example: 2 }) replayed!: number;
}

/** The member who works a ticket. */
export class AssigneeRefDto {
  @ApiProperty({ description: 'member id (the `sub` of their token)', example: 'agent-li' }) id!: string;
  @ApiProperty({ enum: ASSIGNEE_ROLES, example: 'agent' }) role!: string;
  @ApiPropertyOptional({ example: '李工' }) name?: string;
}
