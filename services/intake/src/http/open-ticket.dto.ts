import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsISO8601, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { Channel, CHANNELS, Difficulty, DIFFICULTIES, Urgency, URGENCIES } from '@support/contracts';

export class CustomerDto {
  @ApiProperty({ example: '王女士' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ example: '+86 138 0013 8000', description: 'phone or wechat is required' })
  @ValidateIf((customer: CustomerDto) => customer.phone !== undefined || customer.wechat === undefined)
  @IsString({ message: 'phone must be a string; phone or wechat is required' })
  @Matches(/^\+?[0-9][0-9 -]{4,24}$/, { message: 'phone must be digits, spaces or dashes, optionally after +' })
  phone?: string;

  @ApiPropertyOptional({ example: 'wang_studio', description: 'phone or wechat is required' })
  @ValidateIf((customer: CustomerDto) => customer.wechat !== undefined || customer.phone === undefined)
  @IsString({ message: 'wechat must be a string; phone or wechat is required' })
  @IsNotEmpty()
  @MaxLength(64)
  wechat?: string;
}

/** The desk's first classification; routing uses it to choose the assignee. */
export class TriageDto {
  @ApiPropertyOptional({ example: 'printer' }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100) faultCategory?: string;
  @ApiPropertyOptional({ example: 'printer-driver-reinstall' }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100) scenario?: string;
  @ApiPropertyOptional({ enum: DIFFICULTIES }) @IsOptional() @IsIn(DIFFICULTIES) difficulty?: Difficulty;
}

export const MAX_PROBLEM_LENGTH = 10_000;

export class OpenTicketDto {
  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS)
  channel!: Channel;

  @ApiProperty({ type: CustomerDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => CustomerDto)
  customer!: CustomerDto;

  @ApiProperty({ example: 'Dell XPS 15 9520' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  deviceModel!: string;

  @ApiProperty({ example: '开机蓝屏，无法进入系统', maxLength: MAX_PROBLEM_LENGTH })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_PROBLEM_LENGTH)
  problem!: string;

  @ApiProperty({ enum: URGENCIES })
  @IsIn(URGENCIES)
  urgency!: Urgency;

  @ApiPropertyOptional({ description: 'when the customer asked (ISO 8601); defaults to now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  requestedAt?: string;

  @ApiPropertyOptional({ type: TriageDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TriageDto)
  triage?: TriageDto;
}
