import { BadRequestException, Body, Controller, Get, Headers, NotFoundException, Param, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Actor, SCENARIO_ID_PATTERN } from '@support/contracts';
import {
  AcceptsIfMatch,
  ApiAnswer,
  commandAnswer,
  CommandAnswerDto,
  commandContext,
  CurrentActor,
  PagedList,
  PageQuery,
  pageRequest,
  RawPageQuery,
  Roles,
  UuidParam,
  uuidQueryProblems,
  VersionedRead,
} from '@support/service-kit';
import { LibraryCaseDto, ScenarioAnswerDto } from './knowledge-answers.dto';
import { readerScope } from '../application/reader-scope';
import { ScenarioService } from '../application/scenario.service';
import { AUTHORS, READERS } from './knowledge-http';
import { ScenarioDto } from './knowledge.dto';
import { CASE_CURSOR, KnowledgeViews, SCENARIO_CURSOR } from '../persistence/knowledge-views.repository';
import { DataSource } from 'typeorm';

@ApiTags('catalogue')
@ApiBearerAuth()
@Controller('v1')
export class CatalogueController {
  constructor(
    private readonly scenarios: ScenarioService,
    private readonly views: KnowledgeViews,
    private readonly dataSource: DataSource,
  ) {}

  @Get('scenarios')
  @PagedList({ items: 'catalogue scenarios by fault category, then id', item: ScenarioAnswerDto })
  @ApiQuery({ name: 'faultCategory', required: false })
  @ApiQuery({ name: 'fixed', required: false, enum: ['true', 'false'] })
  @Roles(...READERS)
  list(@PageQuery() query: RawPageQuery, @Query('faultCategory') faultCategory?: string, @Query('fixed') fixed?: string) {
    const problems = fixed !== undefined && fixed !== 'true' && fixed !== 'false' ? ['fixed must be true or false'] : [];
    const page = pageRequest(query, SCENARIO_CURSOR, problems);
    return this.scenarios.list({ faultCategory, ...(fixed !== undefined ? { fixed: fixed === 'true' } : {}) }, page);
  }

  @Get('scenarios/:id')
  @ApiAnswer(ScenarioAnswerDto)
  @VersionedRead()
  @Roles(...READERS)
  async scenario(@Param('id') id: string) {
    const scenario = await this.scenarios.find(id);
    if (!scenario) throw new NotFoundException(`scenario ${id} not found`);
    return scenario;
  }

  /** defines the scenario (201) or changes it to what is given (200); only a lead marks one fixed */
  @Put('scenarios/:id')
  @AcceptsIfMatch()
  // the one route with two successes: changed (200), or defined (201, with Location)
  @ApiOkResponse({ type: CommandAnswerDto, description: 'the scenario, changed' })
  @ApiCreatedResponse({ type: CommandAnswerDto, description: 'the scenario, defined', headers: { Location: { description: 'the scenario', schema: { type: 'string' } } } })
  @Roles(...AUTHORS)
  async put(
    @Param('id') id: string,
    @Body() body: ScenarioDto,
    @CurrentActor() actor: Actor,
    @Headers() headers: Record<string, string>,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    if (!new RegExp(SCENARIO_ID_PATTERN).test(id) || id.length > 100)
      throw new BadRequestException(['scenarioId must be lower-case words and digits joined by dashes, e.g. printer-driver-reinstall']);
    const outcome = await this.scenarios.put(
      { scenarioId: id, faultCategory: body.faultCategory, name: body.name, fixed: body.fixed, ...(body.sopArticleId ? { sopArticleId: body.sopArticleId } : {}) },
      commandContext(actor, headers),
    );
    if (outcome.ok && outcome.created) res.status(201).header('Location', `/v1/scenarios/${id}`);
    return commandAnswer(id, outcome);
  }

  // a contractor gets only the cases of tickets dispatched to them: another's ticket lists empty, like one
  // without cases or that does not exist, so `?ticketId=` tells them nothing
  @Get('cases')
  @PagedList({ items: 'library cases by id', item: LibraryCaseDto })
  @ApiQuery({ name: 'ticketId', required: false, format: 'uuid' })
  @ApiQuery({ name: 'scenarioId', required: false })
  @Roles(...READERS)
  cases(@CurrentActor() actor: Actor, @PageQuery() query: RawPageQuery, @Query('ticketId') ticketId?: string, @Query('scenarioId') scenarioId?: string) {
    const page = pageRequest(query, CASE_CURSOR, uuidQueryProblems(ticketId, 'ticketId'));
    return this.views.findCases(this.dataSource, { ticketId, scenarioId, ...readerScope(actor) }, page);
  }

  @Get('cases/:id')
  @ApiAnswer(LibraryCaseDto)
  @Roles(...READERS)
  async case(@UuidParam() id: string, @CurrentActor() actor: Actor) {
    const found = await this.views.case(this.dataSource, id, readerScope(actor));
    if (!found) throw new NotFoundException(`case ${id} not found`);
    return found;
  }
}
