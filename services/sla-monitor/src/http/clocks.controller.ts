import { BadRequestException, Body, Controller, Get, Headers, Inject, NotFoundException, Param, Put, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { auditTrail } from '@support/event-store';
import {
  ApiAnswer,
  asOfProblems,
  AsOfQuery,
  AsOfRead,
  asOfRequest,
  AuditEntryDto,
  markAsOf,
  RawAsOf,
  CLOCK,
  CurrentActor,
  mapPage,
  PagedList,
  pageRequest,
  PageQuery,
  parseIfMatch,
  RawPageQuery,
  refusalToHttp,
  RequiresIfMatch,
  Roles,
  UuidParam,
  VersionedRead,
} from '@support/service-kit';
import { ClockDto, PolicyAnswerDto } from './sla-answers.dto';
import { PolicyDto } from './policy.dto';
import { CLOCK_RISKS, ClockRisk, minutesBetween } from '../domain';
import { DataSource } from 'typeorm';
import { Actor, Clock } from '@support/contracts';
import { SlaMonitor } from '../application/sla-monitor.service';
import { SlaPolicyService } from '../application/sla-policy.service';
import { ClocksAsOf } from '../application/clocks-as-of.service';
import { CLOCK_CURSOR, ClockRepository, ClockRow } from '../persistence/clock.repository';

const READERS = ['lead', 'senior', 'agent', 'analyst', 'service'] as const;

@ApiTags('clocks')
@ApiBearerAuth()
@Controller('v1')
export class ClocksController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clocks: ClockRepository,
    private readonly monitor: SlaMonitor,
    private readonly policy: SlaPolicyService,
    private readonly past: ClocksAsOf,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** a ticket's clocks with the time left (negative when overdue), in each rule's time basis: all of them (one per rule), not paged */
  @Get('tickets/:id/clocks')
  @ApiAnswer([ClockDto], "the ticket's clocks, one per rule")
  @AsOfRead("the ticket's clocks", 'the highest global position of the events folded')
  @Roles(...READERS)
  async ofTicket(@UuidParam() id: string, @AsOfQuery() rawAsOf: RawAsOf, @Res({ passthrough: true }) res: FastifyReply) {
    const asOf = asOfRequest(rawAsOf, this.clock.now());
    if (asOf) {
      const past = await this.past.ofTicket(id, asOf);
      markAsOf(res, past.mark);
      return past.clocks;
    }
    const clocks = await this.clocks.ofTicket(this.dataSource, id);
    return clocks.map((clock) => this.withRemaining(clock));
  }

  /** open clocks past their warning time (`at-risk`) or past due (`breached`), soonest due first */
  @Get('clocks')
  @PagedList({ items: 'clocks, soonest due first, then id, each with remainingMinutes', item: ClockDto })
  @ApiQuery({ name: 'status', required: true, enum: CLOCK_RISKS })
  @AsOfRead('the clocks at risk or breached', 'the highest global position of the events folded')
  @Roles(...READERS)
  async byRisk(@PageQuery() query: RawPageQuery, @AsOfQuery() rawAsOf: RawAsOf, @Res({ passthrough: true }) res: FastifyReply, @Query('status') status?: string) {
    const problems = !status || !(CLOCK_RISKS as readonly string[]).includes(status) ? [`status must be one of: ${CLOCK_RISKS.join(', ')}`] : [];
    const now = this.clock.now();
    const page = pageRequest(query, CLOCK_CURSOR, [...problems, ...asOfProblems(rawAsOf, now)]);
    const asOf = asOfRequest(rawAsOf, now);
    if (asOf) {
      const past = await this.past.byRisk(status as ClockRisk, asOf, page);
      markAsOf(res, past.mark);
      return past.page;
    }
    const clocks = await this.clocks.byRisk(this.dataSource, status as ClockRisk, now, page);
    return mapPage(clocks, (items) => items.map((clock) => this.withRemaining(clock)));
  }

  @Get('clocks/:clockId/history')
  @ApiAnswer([AuditEntryDto], "the clock's events, oldest first")
  @Roles(...READERS)
  async history(@Param('clockId') clockId: string) {
    const events = await this.monitor.clockHistory(clockId);
    if (events.length === 0) throw new NotFoundException(`clock ${clockId} not found`);
    return auditTrail(events);
  }

  /** the rules and business calendar in force, with the policy's version (for If-Match) */
  @Get('policies')
  @VersionedRead()
  @ApiAnswer(PolicyAnswerDto)
  @Roles(...READERS)
  async policies() {
    // another instance may have changed it
    await this.policy.load();
    return this.policy.state();
  }

  /** a lead replaces the policy; new clocks follow it, running ones keep their terms */
  @Put('policies')
  @RequiresIfMatch()
  @ApiAnswer(PolicyAnswerDto, 'the policy now in force')
  @Roles('lead')
  async changePolicy(@Body() body: PolicyDto, @CurrentActor() actor: Actor, @Headers('if-match') ifMatch?: string) {
    const outcome = await this.policy.change(body, actor, parseIfMatch(ifMatch));
    if (outcome.ok) return { version: outcome.version, ...outcome.settings };
    if (outcome.code === 'invalid-command') throw new BadRequestException(outcome.errors);
    return refusalToHttp(outcome);
  }

  @Get('policies/history')
  @ApiAnswer([AuditEntryDto], "the policy's changes, oldest first")
  @Roles(...READERS)
  async policyHistory() {
    return auditTrail(await this.policy.history());
  }

  private withRemaining(clock: ClockRow) {
    const { calendar } = this.policy.settings();
    const now = this.clock.now();
    const open = clock.status === 'running' || clock.status === 'breached';
    const remainingMinutes = open ? minutesBetween(clock.timeBasis as 'calendar' | 'working', calendar, now, new Date(clock.dueAt)) : null;
    return { ...clock, remainingMinutes };
  }
}
