import { Body, Controller, Get, Headers, HttpCode, NotFoundException, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Actor } from '@support/contracts';
import { auditTrail } from '@support/event-store';
import {
  AcceptsIfMatch,
  ApiAnswer,
  AuditEntryDto,
  CommandAnswerDto,
  commandContext,
  createdResponse,
  CurrentActor,
  PagedList,
  PageQuery,
  pageRequest,
  parseIdempotencyKey,
  RawPageQuery,
  refusalToHttp,
  Roles,
  StoresIdempotencyKey,
  UuidParam,
  VersionedRead,
} from '@support/service-kit';
import { AnalysisClosedDto, CaseAnalysisDto } from './knowledge-answers.dto';
import { AnalysisService } from '../application/analysis.service';
import { ANALYSIS_CURSOR } from '../persistence/knowledge-views.repository';
import { AUTHORS, READERS } from './knowledge-http';
import { CloseAnalysisDto, contentOf, OpenAnalysisDto } from './knowledge.dto';

@ApiTags('case analyses')
@ApiBearerAuth()
@Controller('v1/analyses')
export class AnalysisController {
  constructor(private readonly analyses: AnalysisService) {}

  /** open analyses first by due time (3 working days from opening, computed by sla-monitor); a contractor's own tickets' only */
  @Get()
  @PagedList({ items: 'case analyses by due time (none yet: last), then id', item: CaseAnalysisDto })
  @ApiQuery({ name: 'status', required: false, enum: ['open', 'closed'] })
  @ApiQuery({ name: 'scenarioId', required: false })
  @Roles(...READERS)
  list(@CurrentActor() actor: Actor, @PageQuery() query: RawPageQuery, @Query('status') status?: string, @Query('scenarioId') scenarioId?: string) {
    const problems = status !== undefined && status !== 'open' && status !== 'closed' ? ['status must be one of open, closed'] : [];
    return this.analyses.list({ status, scenarioId }, pageRequest(query, ANALYSIS_CURSOR, problems), actor);
  }

  // a contractor reads only analyses of tickets dispatched to them: any other is "not found", like a missing one
  @Get(':id')
  @ApiAnswer(CaseAnalysisDto)
  @VersionedRead()
  @Roles(...READERS)
  async analysis(@UuidParam() id: string, @CurrentActor() actor: Actor) {
    const analysis = await this.analyses.find(id, actor);
    if (!analysis) throw new NotFoundException(`analysis ${id} not found`);
    return analysis;
  }

  @Get(':id/history')
  @ApiAnswer([AuditEntryDto], "the analysis' events, oldest first")
  @Roles(...READERS)
  async history(@UuidParam() id: string, @CurrentActor() actor: Actor) {
    const events = await this.analyses.history(id, actor);
    if (events.length === 0) throw new NotFoundException(`analysis ${id} not found`);
    return auditTrail(events);
  }

  /** a lead or senior asks for the analysis of a complex case */
  @Post()
  @ApiAnswer(CommandAnswerDto, 'the analysis, opened')
  @Roles(...AUTHORS)
  @StoresIdempotencyKey()
  async open(@Body() body: OpenAnalysisDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>, @Res({ passthrough: true }) res: FastifyReply) {
    const input = { ticketId: body.ticketId, scenarioId: body.scenarioId, faultCategory: body.faultCategory };
    const outcome = await this.analyses.open(input, commandContext(actor, headers), parseIdempotencyKey(headers['idempotency-key']));
    return createdResponse(outcome, res, (created) => `/v1/analyses/${created.id}`);
  }

  /** concludes it: writes its SOP / FAQ entry (a draft for review) and puts the scenario in the catalogue */
  @Post(':id/closure')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(AnalysisClosedDto)
  @Roles(...AUTHORS)
  async close(@UuidParam() id: string, @Body() body: CloseAnalysisDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    const article = body.article ? { kind: body.article.kind, ...contentOf(body.article), ...(body.article.articleId ? { articleId: body.article.articleId } : {}) } : undefined;
    const outcome = await this.analyses.close(id, { conclusion: body.conclusion, ...(article ? { article } : {}) }, commandContext(actor, headers));
    if (!outcome.ok) return refusalToHttp(outcome);
    return {
      id,
      status: outcome.analysis.status,
      version: outcome.version,
      ...(outcome.articleId ? { articleId: outcome.articleId } : {}),
      scenarioDefined: outcome.scenarioDefined,
    };
  }
}
