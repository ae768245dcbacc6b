import { Body, Controller, Get, Headers, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Actor } from '@support/contracts';
import { ApiAnswer, CurrentActor, PagedList, pageRequest, PageQuery, RawPageQuery, refusalToHttp, Roles } from '@support/service-kit';
import { AssignmentDecidedDto, QueuedTicketDto } from './routing-answers.dto';
import { RoutingEngine } from '../application/routing-engine';
import { RoutingQueries } from '../application/routing-queries';
import { QUEUE_CURSOR } from '../persistence/routed-tickets.repository';
import { ManualAssignmentDto } from './member.dto';

@ApiTags('assignment')
@ApiBearerAuth()
@Controller('v1')
export class AssignmentController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly engine: RoutingEngine,
    private readonly queries: RoutingQueries,
  ) {}

  /** a lead assigns or reassigns by hand; the same rules as automatic routing apply (409 with the reason) */
  @Post('assignments')
  @ApiAnswer(AssignmentDecidedDto, 'the assignment decided')
  @Roles('lead')
  async assign(@Body() body: ManualAssignmentDto, @CurrentActor() actor: Actor, @Headers('x-correlation-id') correlationId?: string) {
    const outcome = await this.dataSource.transaction((manager) => this.engine.assignManually(manager, body, { actor, correlationId }));
    if (!outcome.ok) return refusalToHttp(outcome);
    return outcome.decision.data;
  }

  @Get('queue')
  @PagedList({ items: 'waiting tickets in serving order (urgent first, then oldest), each with its position in line', item: QueuedTicketDto })
  @Roles('lead', 'senior', 'agent', 'analyst', 'service')
  queue(@PageQuery() query: RawPageQuery) {
    return this.queries.queue(pageRequest(query, QUEUE_CURSOR));
  }
}
