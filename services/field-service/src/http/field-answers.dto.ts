import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SERVICE_KINDS, SIGNATURE_MEDIA_TYPES } from '@support/contracts';
import { ChainVerificationDto } from '@support/service-kit';
import { SHEET_STATUSES } from '../domain/sheet.state';
import { VISIT_STATUSES } from '../domain/visit.state';
import { SheetContentsDto } from './sheet.dto';
import { ChecklistDto, LocationDto, TechnicianDto, TimeWindowDto } from './visit.dto';

// what field-service answers (field-views.repository.ts: a visit's or sheet's state with its version, as a role sees it)

const VISIT_ID = '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
const SHEET_ID = '6f5e4d3c-2b1a-4c9d-8e7f-6a5b4c3d2e1f';
const TICKET_ID = '3b2f7c1e-8d4a-4f6b-9c0e-5a1d2e3f4a5b';

/** A visit or sheet created: its id, status and version. */
export class FieldRecordCreatedDto {
  @ApiProperty({ format: 'uuid', example: VISIT_ID }) id!: string;
  @ApiProperty({ example: 'requested' }) status!: string;
  @ApiProperty({ example: 1 }) version!: number;
}

export class WorkLogEntryDto {
  @ApiProperty({ example: '确认故障：电源模块烧毁' }) entry!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-24T06:20:00.000Z' }) loggedAt!: string;
  @ApiProperty({ description: "the visit's technician when the entry was logged", example: 'tech-zhang' }) by!: string;
}

export class VisitCompletionDto {
  @ApiProperty({ format: 'date-time', example: '2026-11-24T07:30:00.000Z' }) completedAt!: string;
  @ApiProperty({ example: '更换电源模块，开机测试正常' }) workDone!: string;
  @ApiProperty({ example: '请勿在潮湿环境使用' }) usageNotes!: string;
}

export class VisitSignatureDto {
  @ApiProperty({ example: '王女士' }) signerName!: string;
  @ApiProperty({ enum: SIGNATURE_MEDIA_TYPES, example: 'image/png' }) mediaType!: string;
  @ApiProperty({ example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' }) sha256!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-24T07:35:00.000Z' }) signedAt!: string;
}

/** A visit as its reader sees it (personal values opened, an analyst's masked). */
export class VisitDto {
  @ApiProperty({ format: 'uuid', example: VISIT_ID }) visitId!: string;
  @ApiProperty({ format: 'uuid', example: TICKET_ID }) ticketId!: string;
  @ApiProperty({ enum: VISIT_STATUSES, example: 'scheduled' }) status!: string;
  @ApiProperty({ example: '远程指导无法解决：主板疑似损坏' }) reason!: string;
  @ApiPropertyOptional({ type: TechnicianDto }) technician?: TechnicianDto;
  @ApiPropertyOptional({ type: TimeWindowDto }) window?: TimeWindowDto;
  @ApiPropertyOptional({ format: 'date-time', description: "the window's start", example: '2026-11-24T06:00:00.000Z' }) appointmentAt?: string;
  @ApiPropertyOptional({ example: '上海市浦东新区世纪大道 100 号 12 楼' }) address?: string;
  @ApiPropertyOptional({ type: ChecklistDto, description: 'the confirmed preparation; cleared by a reschedule' }) checklist?: ChecklistDto;
  @ApiPropertyOptional({ format: 'date-time', example: '2026-11-24T04:30:00.000Z' }) preparedAt?: string;
  @ApiPropertyOptional({ format: 'date-time', example: '2026-11-24T05:58:00.000Z' }) arrivedAt?: string;
  @ApiPropertyOptional({ type: LocationDto }) location?: LocationDto;
  @ApiProperty({ type: [WorkLogEntryDto] }) workLog!: WorkLogEntryDto[];
  @ApiPropertyOptional({ type: VisitCompletionDto }) completion?: VisitCompletionDto;
  @ApiPropertyOptional({ type: VisitSignatureDto, description: 'without its image: the image stays in the signed event' }) signature?: VisitSignatureDto;
  @ApiPropertyOptional({ example: '客户取消' }) cancelReason?: string;
  @ApiProperty({ description: 'also the ETag', example: 2 }) version!: number;
}

export class SheetAuthorDto {
  @ApiProperty({ example: 'agent-li' }) id!: string;
  @ApiProperty({ example: 'agent' }) role!: string;
  @ApiPropertyOptional({ example: '李工' }) name?: string;
}

export class SheetSignatureDto {
  @ApiProperty({ example: '王女士' }) signerName!: string;
  @ApiProperty({ example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' }) sha256!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-24T07:35:00.000Z' }) signedAt!: string;
}

/** A service sheet as its reader sees it. */
export class SheetDto {
  @ApiProperty({ format: 'uuid', example: SHEET_ID }) sheetId!: string;
  @ApiProperty({ format: 'uuid', example: TICKET_ID }) ticketId!: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'the visit, for an on-site sheet', example: VISIT_ID }) visitId?: string;
  @ApiProperty({ enum: SERVICE_KINDS, example: 'on-site' }) kind!: string;
  @ApiProperty({ type: SheetAuthorDto }) author!: SheetAuthorDto;
  @ApiProperty({ type: SheetContentsDto }) contents!: SheetContentsDto;
  @ApiProperty({ enum: SHEET_STATUSES, example: 'submitted' }) status!: string;
  @ApiPropertyOptional({ type: SheetSignatureDto }) customerSignature?: SheetSignatureDto;
  @ApiPropertyOptional({ example: '缺少客户签名' }) rejectionReason?: string;
  @ApiPropertyOptional({ format: 'date-time', example: '2026-11-24T08:00:00.000Z' }) submittedAt?: string;
  @ApiProperty({ description: 'also the ETag', example: 3 }) version!: number;
}

export class SignatureCheckDto {
  @ApiProperty({ description: 'the signed event', example: 7 }) seq!: number;
  @ApiProperty({ description: 'the image still hashes to the recorded sha256', example: true }) valid!: boolean;
  @ApiPropertyOptional({ enum: [true], description: 'the customer was erased: the image is gone, the chain still verifies', example: true }) erased?: true;
}

/** A visit's chain, and each customer signature checked against its hash. */
export class VisitVerificationDto extends ChainVerificationDto {
  @ApiProperty({ type: [SignatureCheckDto] }) signatures!: SignatureCheckDto[];
}

/** A technician's day: their visits with appointments on that date (team time zone). */
export class TechnicianDayDto {
  @ApiProperty({ example: 'tech-zhang' }) technicianId!: string;
  @ApiProperty({ example: '2026-11-24' }) date!: string;
  @ApiProperty({ example: 'Asia/Shanghai' }) timeZone!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-23T16:00:00.000Z' }) from!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-24T16:00:00.000Z' }) to!: string;
  @ApiProperty({ type: [VisitDto] }) visits!: VisitDto[];
}
