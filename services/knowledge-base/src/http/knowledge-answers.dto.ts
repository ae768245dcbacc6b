import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ANALYSIS_REASONS, ARTICLE_KINDS, SERVICE_KINDS, SERVICE_RESULTS } from '@support/contracts';
import { CommandAnswerDto } from '@support/service-kit';
import { ARTICLE_STATUSES } from '../domain/article.state';
import { CASE_ANALYSIS_STATUSES } from '../domain/case-analysis.state';
import { SEARCH_DOCUMENT_TYPES } from '../search/search.index';

// what knowledge-base answers (knowledge-views.repository.ts: each record's state with its version; search.index.ts; ticket-knowledge.repository.ts)

const ARTICLE_ID = '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a';
const TICKET_ID = '3b2f7c1e-8d4a-4f6b-9c0e-5a1d2e3f4a5b';

export class MemberRefDto {
  @ApiProperty({ example: 'senior-wang' }) id!: string;
  @ApiProperty({ example: 'senior' }) role!: string;
  @ApiPropertyOptional({ example: '王工' }) name?: string;
}

/** One version of an article, as it was written. */
export class ArticleVersionDto {
  @ApiProperty({ example: 1 }) version!: number;
  @ApiProperty({ example: '打印机驱动重装' }) title!: string;
  @ApiProperty({ example: '1. 卸载旧驱动\n2. 下载官方驱动\n3. 重启后测试打印' }) body!: string;
  @ApiPropertyOptional({ example: 'printer-driver-reinstall' }) scenarioId?: string;
  @ApiProperty({ type: [String], example: ['printer', 'driver'] }) tags!: string[];
  @ApiProperty({ type: MemberRefDto }) author!: MemberRefDto;
}

/** An SOP or FAQ article, every version kept. */
export class ArticleDto {
  @ApiProperty({ format: 'uuid', example: ARTICLE_ID }) articleId!: string;
  @ApiProperty({ enum: ARTICLE_KINDS, example: 'sop' }) kind!: string;
  @ApiProperty({ enum: ARTICLE_STATUSES, example: 'published' }) status!: string;
  @ApiProperty({ description: "the article stream's version: also the ETag", example: 3 }) version!: number;
  @ApiProperty({ type: [ArticleVersionDto], description: 'every version, oldest first' }) versions!: ArticleVersionDto[];
  @ApiPropertyOptional({ description: 'the live version; absent before the first publication and once retired', example: 1 }) publishedVersion?: number;
  @ApiPropertyOptional({ example: '步骤 2 需要写明下载地址' }) reviewNote?: string;
  @ApiPropertyOptional({ example: '设备已停产' }) retiredReason?: string;
}

/** A unified diff between two versions of an article. */
export class ArticleDiffDto {
  @ApiProperty({ example: 1 }) from!: number;
  @ApiProperty({ example: 2 }) to!: number;
  @ApiProperty({ description: 'a unified diff of title, body, scenario and tags', example: '--- v1\n+++ v2\n@@ -1 +1 @@\n-1. 卸载旧驱动\n+1. 在设备管理器中卸载旧驱动\n' })
  patch!: string;
}

/** A scenario of the catalogue. */
export class ScenarioAnswerDto {
  @ApiProperty({ enum: ['defined'], example: 'defined' }) status!: string;
  @ApiProperty({ example: 'printer-driver-reinstall' }) scenarioId!: string;
  @ApiProperty({ example: 'printer' }) faultCategory!: string;
  @ApiProperty({ example: '打印机驱动重装' }) name!: string;
  @ApiProperty({ description: 'contractor-safe: a whitelisted contractor may take it, strictly by its SOP', example: true }) fixed!: boolean;
  @ApiPropertyOptional({ format: 'uuid', example: ARTICLE_ID }) sopArticleId?: string;
  @ApiProperty({ description: 'also the ETag', example: 1 }) version!: number;
}

/** A solved case of the library. */
export class LibraryCaseDto {
  @ApiProperty({ enum: ['filed'], example: 'filed' }) status!: string;
  @ApiProperty({ format: 'uuid', example: '2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d' }) caseId!: string;
  @ApiProperty({ format: 'uuid', example: TICKET_ID }) ticketId!: string;
  @ApiProperty({ format: 'uuid', example: '6f5e4d3c-2b1a-4c9d-8e7f-6a5b4c3d2e1f' }) sheetId!: string;
  @ApiPropertyOptional({ format: 'uuid', example: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f' }) visitId?: string;
  @ApiProperty({ enum: SERVICE_KINDS, example: 'remote' }) kind!: string;
  @ApiPropertyOptional({ example: 'printer-driver-reinstall' }) scenarioId?: string;
  @ApiPropertyOptional({ example: 'printer' }) faultCategory?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'the SOP the resolution followed', example: ARTICLE_ID }) sopArticleId?: string;
  @ApiProperty({ example: 'HP LaserJet 1020' }) device!: string;
  @ApiProperty({ example: '打印机驱动丢失，无法打印' }) problem!: string;
  @ApiProperty({ example: '系统更新后驱动被移除' }) diagnosis!: string;
  @ApiProperty({ example: '重装官方驱动' }) workDone!: string;
  @ApiProperty({ enum: SERVICE_RESULTS, example: 'fixed' }) result!: string;
}

/** A case analysis, with when it is due. */
export class CaseAnalysisDto {
  @ApiProperty({ format: 'uuid', example: '8e7d6c5b-4a3f-4e2d-9c1b-0a9f8e7d6c5b' }) analysisId!: string;
  @ApiProperty({ format: 'uuid', example: TICKET_ID }) ticketId!: string;
  @ApiProperty({ enum: ANALYSIS_REASONS, example: 'new-scenario' }) reason!: string;
  @ApiProperty({ example: 'camera-firmware-corrupt' }) scenarioId!: string;
  @ApiProperty({ example: 'camera' }) faultCategory!: string;
  @ApiProperty({ enum: CASE_ANALYSIS_STATUSES, example: 'open' }) status!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T03:00:00.000Z' }) openedAt!: string;
  @ApiPropertyOptional({ example: '固件升级中断导致，已写入 SOP' }) conclusion?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'the SOP or FAQ article the analysis created or updated', example: ARTICLE_ID }) articleId?: string;
  @ApiPropertyOptional({ format: 'date-time', example: '2026-03-04T09:00:00.000Z' }) closedAt?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'three working days after it was opened', example: '2026-03-05T10:00:00.000Z' }) dueAt?: string;
  @ApiProperty({ description: 'also the ETag', example: 1 }) version!: number;
}

/** The analysis closed: its conclusion's article, and whether the scenario joined the catalogue. */
export class AnalysisClosedDto extends CommandAnswerDto {
  @ApiPropertyOptional({ format: 'uuid', example: ARTICLE_ID }) articleId?: string;
  @ApiProperty({ example: true }) scenarioDefined!: boolean;
}

/** One search hit. */
export class SearchHitDto {
  @ApiProperty({ enum: SEARCH_DOCUMENT_TYPES, example: 'sop' }) type!: string;
  @ApiProperty({ format: 'uuid', example: ARTICLE_ID }) id!: string;
  @ApiProperty({ example: 1 }) version!: number;
  @ApiProperty({ example: '打印机驱动重装' }) title!: string;
  @ApiProperty({ description: 'about 160 characters of the body around the first matching term', example: '…卸载旧驱动，下载官方驱动…' }) snippet!: string;
  @ApiProperty({ description: 'higher is better', example: 1.35 }) rank!: number;
}

export class SopReuseDto {
  @ApiProperty({ format: 'uuid', example: ARTICLE_ID }) articleId!: string;
  @ApiProperty({ example: 12 }) resolutions!: number;
  @ApiProperty({ example: 3 }) cases!: number;
}

/** Knowledge-centred service figures: how often resolutions name an SOP, and which SOPs are reused. */
export class KcsFiguresDto {
  @ApiProperty({ example: 40 }) resolved!: number;
  @ApiProperty({ example: 30 }) resolvedWithSop!: number;
  @ApiProperty({ example: 10 }) resolvedWithoutSop!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'null before the first resolution', example: 0.75 }) sopLinkRate!: number | null;
  @ApiProperty({ type: [SopReuseDto], description: 'most used first' }) reuse!: SopReuseDto[];
}
