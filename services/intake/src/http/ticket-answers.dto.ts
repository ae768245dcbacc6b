import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CHANNELS, DIFFICULTIES, TICKET_STATES, TIERS, URGENCIES } from '@support/contracts';
import { AssigneeRefDto, AuditEntryDto } from '@support/service-kit';

// what intake answers (ticket-queries.service.ts, command-response.ts): a ticket as its reader sees it, its history, a customer's

const TICKET_ID = '3b2f7c1e-8d4a-4f6b-9c0e-5a1d2e3f4a5b';
const CUSTOMER_ID = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

/** A ticket command's answer: the ticket's new state and version. */
export class TicketCommandAnswerDto {
  @ApiProperty({ format: 'uuid', example: TICKET_ID }) id!: string;
  @ApiProperty({ enum: TICKET_STATES, example: 'received' }) state!: string;
  @ApiProperty({ description: 'send it as If-Match next', example: 1 }) version!: number;
}

export class TicketCustomerDto {
  @ApiProperty({ description: 'masked for analysts; `[erased]` once the customer was erased', example: '王女士' }) name!: string;
  @ApiPropertyOptional({ example: '+86 138 0013 8000' }) phone?: string;
  @ApiPropertyOptional({ example: 'wang_studio' }) wechat?: string;
}

export class TicketTriageDto {
  @ApiPropertyOptional({ example: 'printer' }) faultCategory?: string;
  @ApiPropertyOptional({ example: 'printer-driver-reinstall' }) scenario?: string;
  @ApiPropertyOptional({ enum: DIFFICULTIES, example: 'fixed-scenario' }) difficulty?: string;
}

export class PendingEscalationDto {
  @ApiProperty({ example: '需要更换主板，超出一线能力' }) reason!: string;
  @ApiProperty({ enum: TIERS, example: 'L1' }) fromTier!: string;
}

export class TicketDiagnosisDto {
  @ApiProperty({ example: 'os' }) faultCategory!: string;
  @ApiProperty({ example: 'windows-bluescreen' }) scenario!: string;
  @ApiProperty({ enum: DIFFICULTIES, example: 'common' }) difficulty!: string;
  @ApiPropertyOptional({ example: '驱动冲突' }) note?: string;
}

export class TicketQuoteDto {
  @ApiPropertyOptional({ description: 'integer minor units (fen); not shown to contractors', example: 15000 }) amount?: number;
  @ApiPropertyOptional({ description: 'not shown to contractors', example: 'CNY' }) currency?: string;
  @ApiPropertyOptional({ description: 'not shown to contractors', example: '含上门费' }) note?: string;
  @ApiPropertyOptional({ enum: ['pending', 'accepted', 'declined'], example: 'accepted' }) status?: string;
  @ApiPropertyOptional({ description: 'not shown to contractors', example: '价格太高' }) declineReason?: string;
}

export class TicketVisitDto {
  @ApiProperty({ format: 'uuid', example: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f' }) visitId!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-03T02:00:00.000Z' }) appointmentAt!: string;
  @ApiPropertyOptional({ format: 'date-time', example: '2026-03-03T01:55:00.000Z' }) arrivedAt?: string;
}

export class TicketResolutionDto {
  @ApiProperty({ example: '重装显卡驱动后恢复' }) resolution!: string;
  @ApiProperty({ example: true }) remote!: boolean;
  @ApiPropertyOptional({ example: 'sop-windows-bluescreen' }) sopId?: string;
}

/** A ticket as its reader sees it: contractors never see the quote's terms, analysts see personal data masked. */
export class TicketDto {
  @ApiProperty({ format: 'uuid', example: TICKET_ID }) id!: string;
  @ApiProperty({ enum: TICKET_STATES, example: 'assigned' }) state!: string;
  @ApiProperty({ enum: URGENCIES, example: 'urgent' }) urgency!: string;
  @ApiProperty({ enum: CHANNELS, example: 'wechat' }) channel!: string;
  @ApiProperty({ format: 'uuid', example: CUSTOMER_ID }) customerId!: string;
  @ApiProperty({ type: TicketCustomerDto }) customer!: TicketCustomerDto;
  @ApiProperty({ example: 'Dell XPS 15 9520' }) deviceModel!: string;
  @ApiProperty({ example: '开机蓝屏，无法进入系统' }) problem!: string;
  @ApiProperty({ format: 'date-time', description: 'when the customer asked', example: '2026-03-02T01:10:00.000Z' }) requestedAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T01:15:00.000Z' }) receivedAt!: string;
  @ApiPropertyOptional({ type: TicketTriageDto }) triage?: TicketTriageDto;
  @ApiPropertyOptional({ type: AssigneeRefDto }) assignee?: AssigneeRefDto;
  @ApiPropertyOptional({ enum: TIERS, example: 'L1' }) tier?: string;
  @ApiPropertyOptional({ description: 'the fixed scenario of the last dispatch to a contractor', example: 'printer-driver-reinstall' }) dispatchedScenario?: string;
  @ApiPropertyOptional({ type: PendingEscalationDto }) pendingEscalation?: PendingEscalationDto;
  @ApiPropertyOptional({ format: 'date-time', example: '2026-03-02T01:30:00.000Z' }) firstContactedAt?: string;
  @ApiPropertyOptional({ format: 'date-time', example: '2026-03-02T01:30:00.000Z' }) lastContactedAt?: string;
  @ApiPropertyOptional({ type: TicketDiagnosisDto }) diagnosis?: TicketDiagnosisDto;
  @ApiPropertyOptional({ type: TicketQuoteDto }) quote?: TicketQuoteDto;
  @ApiPropertyOptional({ type: TicketVisitDto }) visit?: TicketVisitDto;
  @ApiPropertyOptional({ type: TicketResolutionDto }) resolution?: TicketResolutionDto;
  @ApiPropertyOptional({ minimum: 1, maximum: 5, example: 5 }) satisfaction?: number;
  @ApiPropertyOptional({ example: '响应很快' }) feedbackComment?: string;
  @ApiProperty({ example: 0 }) reopenCount!: number;
  @ApiPropertyOptional({ type: [String], description: 'the SLA rules this ticket breached, in order', example: ['first-contact'] }) slaBreaches?: string[];
  @ApiPropertyOptional({ example: '问题复现' }) reopenReason?: string;
  @ApiPropertyOptional({ example: '客户自行解决' }) cancelReason?: string;
  @ApiProperty({ description: 'also the ETag', example: 2 }) version!: number;
}

/** A history entry, with when it happened at its source. */
export class TicketHistoryEntryDto extends AuditEntryDto {
  @ApiProperty({ format: 'date-time', description: "the causing event's time for a step another service announced, else `at`", example: '2026-03-02T01:15:00.000Z' })
  occurredAt!: string;
}

export class CustomerRecordDto {
  @ApiProperty({ format: 'uuid', example: CUSTOMER_ID }) id!: string;
  @ApiProperty({ description: 'masked for analysts; `[erased]` once erased', example: '王女士' }) name!: string;
  @ApiPropertyOptional({ example: '+86 138 0013 8000' }) phone?: string;
  @ApiPropertyOptional({ example: 'wang_studio' }) wechat?: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T01:15:00.000Z' }) registeredAt!: string;
  @ApiPropertyOptional({ format: 'date-time', example: '2026-04-01T08:00:00.000Z' }) erasedAt?: string;
  @ApiProperty({ description: "the customer's version: If-Match of the erasure", example: 1 }) version!: number;
}

export class CustomerTicketDto extends TicketDto {
  @ApiProperty({ type: [TicketHistoryEntryDto] }) history!: TicketHistoryEntryDto[];
}

/** The customer's record and every ticket with its full history, oldest ticket first. */
export class CustomerHistoryDto {
  @ApiProperty({ type: CustomerRecordDto }) customer!: CustomerRecordDto;
  @ApiProperty({ type: [CustomerTicketDto] }) tickets!: CustomerTicketDto[];
}

export class CustomerErasedDto {
  @ApiProperty({ format: 'uuid', example: CUSTOMER_ID }) id!: string;
  @ApiProperty({ enum: [true], example: true }) erased!: true;
  @ApiProperty({ example: 2 }) version!: number;
}
