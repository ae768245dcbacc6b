import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { MEMBER_ROLES, MemberRole, Tier, TIERS } from '@support/contracts';

export class MemberProfileDto {
  @ApiProperty({ example: '小王' }) @IsString() @IsNotEmpty() @MaxLength(200) name!: string;
  @ApiProperty({ enum: TIERS }) @IsIn(TIERS) tier!: Tier;

  @ApiProperty({ example: ['operating-system', 'printer'], description: 'fault categories the member takes' })
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  skills!: string[];

  @ApiProperty({ example: [], description: 'fixed scenarios a contractor may take (only these); empty for employees' })
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  scenarios!: string[];

  @ApiProperty({ minimum: 1, maximum: 1000, example: 5 }) @IsInt() @Min(1) @Max(1000) capacity!: number;
}

export class RegisterMemberDto extends MemberProfileDto {
  @ApiProperty({ example: 'm-agent-wang', description: "the `sub` of the member's token" })
  @IsString()
  @Matches(/^[A-Za-z0-9._:@-]{1,100}$/, { message: 'memberId must be 1-100 letters, digits or . _ : @ -' })
  memberId!: string;

  @ApiProperty({ enum: MEMBER_ROLES }) @IsIn(MEMBER_ROLES) role!: MemberRole;

  @ApiPropertyOptional({ description: 'put the member on duty at once' }) @IsOptional() @IsBoolean() onDuty?: boolean;
}

export class ManualAssignmentDto {
  @ApiProperty({ example: '3b2f7c1e-8d4a-4f6b-9c0e-5a1d2e3f4a5b' })
  @IsString()
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { message: 'ticketId must be a UUID' })
  ticketId!: string;
  @ApiProperty({ example: 'senior-wang' }) @IsString() @IsNotEmpty() @MaxLength(100) memberId!: string;
  @ApiPropertyOptional({ example: '客户指定' }) @IsOptional() @IsString() @MaxLength(2000) reason?: string;
}
