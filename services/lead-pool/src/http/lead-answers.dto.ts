import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { URGENCIES } from '@support/contracts';
import { LEAD_STATUSES } from '../domain/lead.state';
import { WAITING_REASONS } from '../domain/pool-waiting';
import { ContactDto, RatioDto } from './lead.dto';

// what lead-pool answers (lead-pool.repository.ts: a lead's or the policy's state with its version; lead.service.ts)

const LEAD_ID = '4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8';

/** Why a pooled lead has not been allocated (yet). */
export class WaitingReasonDto {
  @ApiProperty({ enum: WAITING_REASONS, example: 'no-member-on-duty' }) code!: string;
  @ApiProperty({ example: 'no member in the ratios is on duty' }) message!: string;
}

/** A lead captured (or merged into the lead of the same contact), as it is now. */
export class LeadCapturedDto {
  @ApiProperty({ format: 'uuid', example: LEAD_ID }) id!: string;
  @ApiProperty({ description: 'the contact was known: merged into its lead, whose source keeps the credit', example: false }) merged!: boolean;
  @ApiProperty({ example: 1 }) version!: number;
  @ApiPropertyOptional({ enum: LEAD_STATUSES, example: 'pooled' }) status?: string;
  @ApiPropertyOptional({ example: 'm-agent-wang' }) allocatedTo?: string;
  @ApiPropertyOptional({ type: WaitingReasonDto }) waitingReason?: WaitingReasonDto;
}

export class LeadSourceDto {
  @ApiProperty({ example: 'm-agent-wang' }) memberId!: string;
  @ApiProperty({ example: 'douyin' }) platform!: string;
  @ApiProperty({ example: '@studio-wang' }) account!: string;
}

export class LeadConversionDto {
  @ApiProperty({
    type: 'object',
    properties: { name: { type: 'string' }, phone: { type: 'string' }, wechat: { type: 'string' } },
    example: { name: '李先生', phone: '+86 138 0013 8000' },
  })
  customer!: { name: string; phone?: string; wechat?: string };
  @ApiProperty({ example: 'OBS 推流主机' }) deviceModel!: string;
  @ApiProperty({ example: '直播推流卡顿' }) problem!: string;
  @ApiProperty({ enum: URGENCIES, example: 'normal' }) urgency!: string;
}

/** A lead as its reader sees it, with why it waits while pooled. */
export class LeadDto {
  @ApiProperty({ format: 'uuid', example: LEAD_ID }) leadId!: string;
  @ApiProperty({ type: LeadSourceDto, description: 'who brought it in: keeps the credit' }) source!: LeadSourceDto;
  @ApiProperty({ example: '直播小白兔' }) customerHandle!: string;
  @ApiProperty({ type: ContactDto }) contact!: ContactDto;
  @ApiPropertyOptional({ example: '想咨询直播推流设备' }) note?: string;
  @ApiProperty({ enum: ['rest', 'webhook'], example: 'rest' }) via!: string;
  @ApiProperty({ enum: LEAD_STATUSES, example: 'allocated' }) status!: string;
  @ApiProperty({ type: [LeadSourceDto], description: 'the sources of later captures of the same contact' }) mergedSources!: LeadSourceDto[];
  @ApiPropertyOptional({ example: 'm-agent-wang' }) allocatedTo?: string;
  @ApiPropertyOptional({ format: 'date-time', example: '2026-03-02T02:00:00.000Z' }) acceptBy?: string;
  @ApiPropertyOptional({ example: 2 }) policyVersion?: number;
  @ApiProperty({ type: [String], example: [] }) declinedBy!: string[];
  @ApiPropertyOptional({ example: 'm-agent-wang' }) acceptedBy?: string;
  @ApiPropertyOptional({ type: LeadConversionDto }) ticketCause?: LeadConversionDto;
  @ApiPropertyOptional({ example: '客户已购买其他服务' }) lostReason?: string;
  @ApiProperty({ type: [String], description: 'tickets the lead was flagged for', example: [] }) hoardingFlaggedFor!: string[];
  @ApiPropertyOptional({ enum: [true], example: true }) erased?: true;
  @ApiProperty({ description: 'also the ETag', example: 2 }) version!: number;
  @ApiPropertyOptional({ format: 'uuid', description: 'the ticket a conversion opened', example: '3b2f7c1e-8d4a-4f6b-9c0e-5a1d2e3f4a5b' }) ticketId?: string;
  @ApiPropertyOptional({ type: WaitingReasonDto }) waitingReason?: WaitingReasonDto;
}

export class LeadErasedDto {
  @ApiProperty({ format: 'uuid', example: LEAD_ID }) id!: string;
  @ApiProperty({ enum: [true], example: true }) erased!: true;
  @ApiProperty({ example: 3 }) version!: number;
}

export class RatiosVersionDto {
  @ApiProperty({ example: 1 }) version!: number;
  @ApiProperty({ type: [RatioDto] }) ratios!: RatioDto[];
  @ApiProperty({ example: 30 }) acceptMinutes!: number;
}

/** The ratios in force and every version so far (none set yet: empty, version 0). */
export class RatiosAnswerDto {
  @ApiPropertyOptional({ enum: ['set'], example: 'set' }) status?: string;
  @ApiPropertyOptional({ example: 'lead-policy' }) policyId?: string;
  @ApiPropertyOptional({ description: 'the ratios version in force (allocations are counted per version)', example: 2 }) policyVersion?: number;
  @ApiProperty({ type: [RatioDto] }) ratios!: RatioDto[];
  @ApiPropertyOptional({ example: 30 }) acceptMinutes?: number;
  @ApiProperty({ type: [RatiosVersionDto], description: 'every version, oldest first' }) history!: RatiosVersionDto[];
  @ApiProperty({ description: 'the policy stream version: also the ETag', example: 2 }) version!: number;
}

/** The ratios set, with what the roster says about them now. */
export class RatiosSetDto extends RatiosAnswerDto {
  @ApiProperty({ type: [String], description: 'members in the ratios who are off duty now', example: [] }) offDuty!: string[];
  @ApiProperty({ type: [String], example: ['m-contractor-zhou is a contractor: contractors never take leads'] }) warnings!: string[];
}

export class LedgerLineDto {
  @ApiProperty({ example: 'm-agent-wang' }) memberId!: string;
  @ApiProperty({ example: 5 }) contributed!: number;
  @ApiProperty({ example: 4 }) received!: number;
  @ApiProperty({ description: "the member's weight in the ratios in force now", example: 2 }) weight!: number;
  @ApiProperty({ example: 4.4 }) expected!: number;
  @ApiProperty({ description: 'received - expected', example: -0.4 }) deviation!: number;
}

export class PoolWaitingDto {
  @ApiProperty({ example: 1 }) waiting!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-03-02T01:00:00.000Z' }) oldestWaitingSince!: string | null;
  @ApiProperty({ example: 600 }) longestWaitSeconds!: number;
}

/** The weekly ledger: each member's line, and the pool's waiting leads. */
export class LedgerDto {
  @ApiProperty({ example: '2026-W10' }) week!: string;
  @ApiProperty({ type: [LedgerLineDto] }) members!: LedgerLineDto[];
  @ApiProperty({ type: PoolWaitingDto }) pool!: PoolWaitingDto;
}

export class HoardingFlagDto {
  @ApiProperty({ format: 'uuid', example: LEAD_ID }) leadId!: string;
  @ApiProperty({ format: 'uuid', example: '3b2f7c1e-8d4a-4f6b-9c0e-5a1d2e3f4a5b' }) ticketId!: string;
  @ApiProperty({ example: 'm-agent-wang' }) memberId!: string;
  @ApiProperty({ enum: LEAD_STATUSES, example: 'accepted' }) leadStatus!: string;
}
