import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsNotEmpty, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { ASSIGNEE_ROLES, AssigneeRole, CONTACT_CHANNELS, ContactChannel, Difficulty, DIFFICULTIES, Tier, TIERS } from '@support/contracts';

const NOTE = 2000;

export class ContactDto {
  @ApiProperty({ enum: CONTACT_CHANNELS, example: 'phone' })
  @IsIn(CONTACT_CHANNELS)
  channel!: ContactChannel;

  @ApiPropertyOptional({ example: '已电话联系客户，约定下午远程' }) @IsOptional() @IsString() @MaxLength(NOTE) note?: string;

  @ApiPropertyOptional({ description: 'when the contact happened, if recorded afterwards' })
  @IsOptional()
  @IsISO8601({ strict: true })
  contactedAt?: string;
}

export class DiagnosisDto {
  @ApiProperty({ example: 'operating-system' }) @IsString() @IsNotEmpty() @MaxLength(100) faultCategory!: string;
  @ApiProperty({ example: 'blue-screen-on-boot' }) @IsString() @IsNotEmpty() @MaxLength(100) scenario!: string;
  @ApiProperty({ enum: DIFFICULTIES }) @IsIn(DIFFICULTIES) difficulty!: Difficulty;
  @ApiPropertyOptional({ example: '驱动冲突导致' }) @IsOptional() @IsString() @MaxLength(NOTE) note?: string;
}

export class QuoteDto {
  @ApiProperty({ description: 'integer minor units (fen)', example: 15000 }) @IsInt() @Min(0) @Max(100_000_000) amount!: number;
  @ApiPropertyOptional({ example: 'CNY' }) @IsOptional() @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code' }) currency?: string;
  @ApiPropertyOptional({ example: '含上门费' }) @IsOptional() @IsString() @MaxLength(NOTE) note?: string;
}

export class EmptyDto {}

export class DeclineQuoteDto {
  @ApiPropertyOptional({ example: '价格太高' }) @IsOptional() @IsString() @MaxLength(NOTE) reason?: string;
}

export class ReasonDto {
  @ApiProperty({ example: '需要更换主板，超出一线能力' }) @IsString() @IsNotEmpty() @MaxLength(NOTE) reason!: string;
}

export class ResolutionDto {
  @ApiProperty({ example: '回退显卡驱动后恢复正常' }) @IsString() @IsNotEmpty() @MaxLength(10_000) resolution!: string;
  @ApiProperty({ example: true }) @IsBoolean() remote!: boolean;
  @ApiPropertyOptional({ example: 'sop-windows-bluescreen' }) @IsOptional() @IsString() @MaxLength(100) sopId?: string;
}

export class FeedbackDto {
  @ApiProperty({ minimum: 1, maximum: 5, example: 5 }) @IsInt() @Min(1) @Max(5) satisfaction!: number;
  @ApiPropertyOptional({ example: '响应很快，问题已解决' }) @IsOptional() @IsString() @MaxLength(NOTE) comment?: string;
}

export class CloseDto {
  @ApiPropertyOptional({ example: '客户确认已解决' }) @IsOptional() @IsString() @MaxLength(NOTE) note?: string;
}

export class AssigneeDto {
  @ApiProperty({ example: 'agent-li' }) @IsString() @IsNotEmpty() @MaxLength(100) id!: string;
  @ApiProperty({ enum: ASSIGNEE_ROLES.filter((r) => r !== 'contractor') })
  @IsIn(ASSIGNEE_ROLES.filter((r) => r !== 'contractor'))
  role!: Exclude<AssigneeRole, 'contractor'>;
  @ApiPropertyOptional({ example: '李工' }) @IsOptional() @IsString() @MaxLength(200) name?: string;
}

/** Manual assignment by a lead (routing's automatic decisions arrive as events). */
export class AssignmentDto {
  @ApiProperty({ type: AssigneeDto }) @IsObject() @ValidateNested() @Type(() => AssigneeDto) assignee!: AssigneeDto;
  @ApiProperty({ enum: TIERS }) @IsIn(TIERS) tier!: Tier;
  @ApiPropertyOptional({ example: '由外部排班系统指派' }) @IsOptional() @IsString() @MaxLength(NOTE) reason?: string;
}
