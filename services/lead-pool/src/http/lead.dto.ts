import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { Urgency, URGENCIES } from '@support/contracts';

export class ContactDto {
  @ApiPropertyOptional({ example: '+86 138 0013 8000', description: 'phone or wechat is required' })
  @ValidateIf((c: ContactDto) => c.phone !== undefined || c.wechat === undefined)
  @IsString({ message: 'phone must be a string; phone or wechat is required' })
  @Matches(/^\+?[0-9][0-9 -]{4,24}$/, { message: 'phone must be digits, spaces or dashes, optionally after +' })
  phone?: string;

  @ApiPropertyOptional({ example: 'live_studio_88', description: 'phone or wechat is required' })
  @ValidateIf((c: ContactDto) => c.wechat !== undefined || c.phone === undefined)
  @IsString({ message: 'wechat must be a string; phone or wechat is required' })
  @IsNotEmpty()
  @MaxLength(64)
  wechat?: string;
}

export class CaptureLeadDto {
  @ApiProperty({ example: 'douyin', description: 'the platform the lead came from (short video, blog, WeChat official account, ...)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  platform!: string;
  @ApiProperty({ example: '@studio-wang', description: "the member's account on it" }) @IsString() @IsNotEmpty() @MaxLength(200) account!: string;
  @ApiProperty({ example: '直播小白兔', description: "the customer's handle there" }) @IsString() @IsNotEmpty() @MaxLength(200) customerHandle!: string;
  @ApiProperty({ type: ContactDto }) @IsDefined() @IsObject() @ValidateNested() @Type(() => ContactDto) contact!: ContactDto;
  @ApiPropertyOptional({ example: '想咨询直播推流设备' }) @IsOptional() @IsString() @MaxLength(2000) note?: string;
  @ApiPropertyOptional({ description: 'a lead may register a lead on behalf of a member' }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100) memberId?: string;
}

export class WebhookLeadDto extends CaptureLeadDto {
  @ApiProperty({ description: 'the member whose account brought the lead in' }) @IsString() @IsNotEmpty() @MaxLength(100) declare memberId: string;
}

export class DeclineDto {
  @ApiPropertyOptional({ example: '客户在外地，无法跟进' }) @IsOptional() @IsString() @MaxLength(2000) reason?: string;
}

export class LoseDto {
  @ApiProperty({ example: '客户已购买其他服务' }) @IsString() @IsNotEmpty() @MaxLength(2000) reason!: string;
}

export class LeadErasureDto {
  @ApiProperty({ example: 'the prospect asked to be forgotten', description: 'why; recorded in support.lead.erased.v1' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason!: string;
}

export class ConversionCustomerDto {
  @ApiPropertyOptional({ example: '李先生', description: "defaults to the lead's handle" }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) name?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^\+?[0-9][0-9 -]{4,24}$/, { message: 'customer.phone must be digits, spaces or dashes, optionally after +' }) phone?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(64) wechat?: string;
}

export class ConvertLeadDto {
  @ApiPropertyOptional({ type: ConversionCustomerDto, description: "defaults to the lead's handle and contact" })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ConversionCustomerDto)
  customer?: ConversionCustomerDto;
  @ApiProperty({ example: 'OBS 推流主机' }) @IsString() @IsNotEmpty() @MaxLength(200) deviceModel!: string;
  @ApiProperty({ example: '直播推流卡顿' }) @IsString() @IsNotEmpty() @MaxLength(10_000) problem!: string;
  @ApiProperty({ enum: URGENCIES }) @IsIn(URGENCIES) urgency!: Urgency;
}

export class RatioDto {
  @ApiProperty({ example: 'm-agent-wang' }) @IsString() @IsNotEmpty() @MaxLength(100) memberId!: string;
  @ApiProperty({ example: 2 }) @IsInt() @Min(1) @Max(1000) weight!: number;
}

export class RatiosDto {
  @ApiProperty({ type: [RatioDto] }) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => RatioDto) ratios!: RatioDto[];
  @ApiProperty({ example: 30, description: 'minutes a member has to accept an allocated lead' }) @IsInt() @Min(1) @Max(7 * 24 * 60) acceptMinutes!: number;
}
