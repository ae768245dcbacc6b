import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsISO8601,
  IsLatitude,
  IsLongitude,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { SIGNATURE_MEDIA_TYPES, SignatureMediaType } from '@support/contracts';

const TEXT = 2_000;
const TECHNICIAN_ROLES = ['lead', 'senior', 'agent', 'contractor'] as const;

export class RequestVisitDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() ticketId!: string;
  @ApiProperty({ example: '远程指导无法解决：主板疑似损坏' }) @IsString() @IsNotEmpty() @MaxLength(TEXT) reason!: string;
}

export class TechnicianDto {
  @ApiProperty({ example: 'tech-zhang' }) @IsString() @IsNotEmpty() @MaxLength(100) id!: string;
  @ApiProperty({ enum: TECHNICIAN_ROLES }) @IsIn(TECHNICIAN_ROLES) role!: (typeof TECHNICIAN_ROLES)[number];
  @ApiPropertyOptional({ example: '张师傅' }) @IsOptional() @IsString() @MaxLength(200) name?: string;
}

export class TimeWindowDto {
  @ApiProperty({ example: '2026-11-24T06:00:00Z' }) @IsISO8601({ strict: true }) start!: string;
  @ApiProperty({ example: '2026-11-24T08:00:00Z' }) @IsISO8601({ strict: true }) end!: string;
}

export class ScheduleVisitDto {
  @ApiProperty({ type: TechnicianDto }) @IsDefined() @IsObject() @ValidateNested() @Type(() => TechnicianDto) technician!: TechnicianDto;
  @ApiProperty({ type: TimeWindowDto }) @IsDefined() @IsObject() @ValidateNested() @Type(() => TimeWindowDto) window!: TimeWindowDto;
  @ApiProperty({ example: '上海市浦东新区世纪大道 100 号 12 楼' }) @IsString() @IsNotEmpty() @MaxLength(TEXT) address!: string;
}

export class RescheduleVisitDto {
  @ApiPropertyOptional({ type: TechnicianDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => TechnicianDto) technician?: TechnicianDto;
  @ApiProperty({ type: TimeWindowDto }) @IsDefined() @IsObject() @ValidateNested() @Type(() => TimeWindowDto) window!: TimeWindowDto;
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(TEXT) address?: string;
  @ApiProperty({ example: '客户临时改期' }) @IsString() @IsNotEmpty() @MaxLength(TEXT) reason!: string;
}

export class ChecklistDto {
  @ApiProperty({ example: ['螺丝刀', '万用表'], description: 'at least one tool' })
  @IsArray()
  @ArrayMinSize(1, { message: 'checklist.tools must list at least one tool' })
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(200, { each: true })
  tools!: string[];

  @ApiProperty({ example: ['电源适配器', 'HDMI 线'] })
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(200, { each: true })
  spareParts!: string[];

  @ApiProperty({ description: 'the address was confirmed with the customer' })
  @IsBoolean()
  @Equals(true, { message: 'checklist.addressConfirmed must be true: confirm the address before the visit' })
  addressConfirmed!: boolean;

  @ApiProperty({ description: "the device's state was confirmed with the customer" })
  @IsBoolean()
  @Equals(true, { message: "checklist.deviceStateConfirmed must be true: confirm the device's state before the visit" })
  deviceStateConfirmed!: boolean;

  @ApiProperty({ example: '无法开机，电源灯不亮' }) @IsString() @IsNotEmpty() @MaxLength(TEXT) deviceState!: string;
}

export class PrepareVisitDto {
  @ApiProperty({ type: ChecklistDto }) @IsDefined() @IsObject() @ValidateNested() @Type(() => ChecklistDto) checklist!: ChecklistDto;
}

export class LocationDto {
  @ApiProperty({ example: 31.2304 }) @IsLatitude() latitude!: number;
  @ApiProperty({ example: 121.4737 }) @IsLongitude() longitude!: number;
}

export class CheckInDto {
  @ApiPropertyOptional({ description: 'when the technician arrived; defaults to now' }) @IsOptional() @IsISO8601({ strict: true }) arrivedAt?: string;
  @ApiPropertyOptional({ type: LocationDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => LocationDto) location?: LocationDto;
}

export class LogWorkDto {
  @ApiProperty({ example: '确认故障：电源模块烧毁' }) @IsString() @IsNotEmpty() @MaxLength(TEXT) entry!: string;
}

export class CompleteVisitDto {
  @ApiProperty({ example: '更换电源模块，开机测试正常' }) @IsString() @IsNotEmpty() @MaxLength(TEXT) workDone!: string;
  @ApiProperty({ description: 'the customer tested the device' })
  @IsBoolean()
  @Equals(true, { message: 'customerTested must be true: the customer tests the device before the visit is complete' })
  customerTested!: boolean;
  @ApiProperty({ example: '请勿在潮湿环境使用' }) @IsString() @IsNotEmpty() @MaxLength(TEXT) usageNotes!: string;
}

export class SignVisitDto {
  @ApiProperty({ example: '王女士' }) @IsString() @IsNotEmpty() @MaxLength(200) signerName!: string;
  @ApiProperty({ enum: SIGNATURE_MEDIA_TYPES }) @IsIn(SIGNATURE_MEDIA_TYPES) mediaType!: SignatureMediaType;
  @ApiProperty({ description: 'the signature image (PNG or JPEG, at most 256 KiB), base64' }) @IsString() @IsNotEmpty() imageBase64!: string;
}

export class ReasonDto {
  @ApiProperty({ example: '客户取消' }) @IsString() @IsNotEmpty() @MaxLength(TEXT) reason!: string;
}
