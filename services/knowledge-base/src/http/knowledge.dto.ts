import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateNested } from 'class-validator';
import { ARTICLE_KINDS, ArticleKind, SCENARIO_ID_PATTERN } from '@support/contracts';

const SCENARIO_ID = new RegExp(SCENARIO_ID_PATTERN);
const SCENARIO_RULE = 'lower-case words and digits joined by dashes, e.g. printer-driver-reinstall';

export class ArticleContentDto {
  @ApiProperty({ example: 'Windows 蓝屏 0x0000007B 处理流程' }) @IsString() @IsNotEmpty() @MaxLength(300) title!: string;
  @ApiProperty({ example: '1. 进入 BIOS，确认硬盘模式 (AHCI / RAID)……' }) @IsString() @IsNotEmpty() @MaxLength(100_000) body!: string;
  @ApiPropertyOptional({ example: 'blue-screen-storage-driver' })
  @IsOptional()
  @Matches(SCENARIO_ID, { message: `scenarioId must be ${SCENARIO_RULE}` })
  @MaxLength(100)
  scenarioId?: string;
  @ApiPropertyOptional({ example: ['windows', '蓝屏'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(100, { each: true })
  tags?: string[];
}

export class DraftArticleDto extends ArticleContentDto {
  @ApiProperty({ enum: ARTICLE_KINDS }) @IsIn(ARTICLE_KINDS) kind!: ArticleKind;
}

export class ReasonDto {
  @ApiProperty({ example: '步骤 2 需要写明下载地址' }) @IsString() @IsNotEmpty() @MaxLength(2_000) reason!: string;
}

export class ScenarioDto {
  @ApiProperty({ example: 'printer' }) @IsString() @IsNotEmpty() @MaxLength(100) faultCategory!: string;
  @ApiProperty({ example: '打印机驱动重装' }) @IsString() @IsNotEmpty() @MaxLength(300) name!: string;
  @ApiProperty({ description: 'contractor-safe: a whitelisted contractor may take it, strictly by its SOP' }) @IsBoolean() fixed!: boolean;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() sopArticleId?: string;
}

export class OpenAnalysisDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() ticketId!: string;
  @ApiProperty({ example: 'capture-card-firmware' }) @Matches(SCENARIO_ID, { message: `scenarioId must be ${SCENARIO_RULE}` }) @MaxLength(100) scenarioId!: string;
  @ApiProperty({ example: 'streaming' }) @IsString() @IsNotEmpty() @MaxLength(100) faultCategory!: string;
}

export class ClosureArticleDto extends DraftArticleDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'an existing article to write a new version of; absent: a new article' }) @IsOptional() @IsUUID() articleId?: string;
}

export class CloseAnalysisDto {
  @ApiProperty({ example: '采集卡固件 2.1 与 OBS 30 不兼容，降级固件可解决' }) @IsString() @IsNotEmpty() @MaxLength(10_000) conclusion!: string;
  @ApiPropertyOptional({ type: ClosureArticleDto, description: 'the SOP or FAQ entry the analysis writes (a draft, reviewed as any other)' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ClosureArticleDto)
  article?: ClosureArticleDto;
}

/** plain content out of a validated DTO (class instances would reach the event store otherwise) */
export function contentOf(dto: ArticleContentDto) {
  return { title: dto.title, body: dto.body, tags: [...(dto.tags ?? [])], ...(dto.scenarioId ? { scenarioId: dto.scenarioId } : {}) };
}
