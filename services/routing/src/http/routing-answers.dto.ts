import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DECISION_MODES, DIFFICULTIES, MEMBER_ROLES, TIERS, URGENCIES } from '@support/contracts';
import { AssigneeRefDto } from '@support/service-kit';

// what routing answers (routing-queries.ts, roster.controller.ts, routing-engine.ts)

const TICKET_ID = '3b2f7c1e-8d4a-4f6b-9c0e-5a1d2e3f4a5b';

/** A member as the roster lists them, with their load. */
export class RosterEntryDto {
  @ApiProperty({ example: 'agent-li' }) memberId!: string;
  @ApiProperty({ enum: MEMBER_ROLES, example: 'agent' }) role!: string;
  @ApiProperty({ example: '李工' }) name!: string;
  @ApiProperty({ enum: TIERS, example: 'L1' }) tier!: string;
  @ApiProperty({ type: [String], example: ['printer', 'os'] }) skills!: string[];
  @ApiProperty({ type: [String], description: 'fixed scenarios whitelisted (contractors)', example: [] }) scenarios!: string[];
  @ApiProperty({ description: 'open tickets at most', example: 5 }) capacity!: number;
  @ApiProperty({ example: true }) onDuty!: boolean;
  @ApiProperty({ description: 'also the ETag', example: 2 }) version!: number;
  @ApiProperty({ example: 1 }) openTickets!: number;
  @ApiProperty({ example: 12 }) assignedCount!: number;
  @ApiPropertyOptional({ format: 'date-time', example: '2026-03-02T01:16:00.000Z' }) lastAssignedAt?: string;
}

export class MemberProfileAnswerDto {
  @ApiProperty({ example: '李工' }) name!: string;
  @ApiProperty({ enum: TIERS, example: 'L1' }) tier!: string;
  @ApiProperty({ type: [String], example: ['printer', 'os'] }) skills!: string[];
  @ApiProperty({ type: [String], example: [] }) scenarios!: string[];
  @ApiProperty({ example: 5 }) capacity!: number;
}

/** A member after a roster command: the member's state and new version. */
export class MemberAnswerDto {
  @ApiProperty({ enum: [true], example: true }) registered!: true;
  @ApiProperty({ example: 'agent-li' }) memberId!: string;
  @ApiProperty({ enum: MEMBER_ROLES, example: 'agent' }) role!: string;
  @ApiProperty({ type: MemberProfileAnswerDto }) profile!: MemberProfileAnswerDto;
  @ApiProperty({ example: true }) onDuty!: boolean;
  @ApiProperty({ description: 'send it as If-Match next', example: 2 }) version!: number;
}

export class QueueTriageDto {
  @ApiPropertyOptional({ example: 'printer' }) faultCategory?: string;
  @ApiPropertyOptional({ example: 'printer-driver-reinstall' }) scenario?: string;
  @ApiPropertyOptional({ enum: DIFFICULTIES, example: 'common' }) difficulty?: string;
}

/** A ticket waiting for an assignee, with its place in line. */
export class QueuedTicketDto {
  @ApiProperty({ format: 'uuid', example: TICKET_ID }) ticketId!: string;
  @ApiProperty({ enum: URGENCIES, example: 'urgent' }) urgency!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T01:15:00.000Z' }) receivedAt!: string;
  @ApiProperty({ type: QueueTriageDto }) triage!: QueueTriageDto;
  @ApiProperty({ enum: ['waiting', 'open', 'done'], example: 'waiting' }) status!: string;
  @ApiPropertyOptional({ enum: ['assignment', 'escalation'], example: 'assignment' }) waitingFor?: string;
  @ApiPropertyOptional({ example: '需要二线支持' }) escalationReason?: string;
  @ApiPropertyOptional({ example: 'agent-li' }) assigneeId?: string;
  @ApiPropertyOptional({ enum: TIERS, example: 'L1' }) tier?: string;
  @ApiProperty({ description: 'place in line, from 1', example: 1 }) position!: number;
}

/** The assignment decided (`support.routing.assignment-decided.v1`'s data). */
export class AssignmentDecidedDto {
  @ApiProperty({ format: 'uuid', example: TICKET_ID }) ticketId!: string;
  @ApiProperty({ type: AssigneeRefDto }) assignee!: AssigneeRefDto;
  @ApiProperty({ enum: TIERS, example: 'L1' }) tier!: string;
  @ApiProperty({ enum: DECISION_MODES, example: 'manual' }) mode!: string;
  @ApiProperty({ example: '指定处理' }) reason!: string;
  @ApiPropertyOptional({ description: 'set for a whitelisted contractor', example: 'printer-driver-reinstall' }) scenario?: string;
}
