import { BadRequestException, ConflictException, Controller, Get, Header, HttpCode, Inject, MessageEvent, Post, Query, Res, Sse } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { map, Observable } from 'rxjs';
import { Actor, Clock, eventCatalogue, eventsSeenBy, ISO_WEEK, isoWeekOf } from '@support/contracts';
import { PersonalDataOpening } from '@support/personal-data';
import {
  ApiAnswer,
  ApiAnswerAs,
  asOfProblems,
  AsOfQuery,
  AsOfRead,
  asOfRequest,
  CLOCK,
  CurrentActor,
  markAsOf,
  CursorShape,
  PagedList,
  PageQuery,
  PageRequest,
  pageRequest,
  Public,
  RawAsOf,
  RawPageQuery,
  Roles,
  UuidParam,
} from '@support/service-kit';
import {
  BoardClockDto,
  LeadPoolWaitingDto,
  LIVE_EXAMPLE,
  ProjectionChecksumDto,
  ProjectionStatusDto,
  QueueEntryDto,
  RebuildStartedDto,
  TEAM_PAGE_ALSO,
  TeamMemberDto,
  TimelineEntryDto,
  WeeklyReportDto,
} from './dashboard-answers.dto';
import { weeklyReportCsv, weeklyReportFileName } from '../application/weekly-report.csv';
import { DataSource } from 'typeorm';
import { DashboardProjections, ProjectionChanges, TEAM_TIME_ZONE_TOKEN } from '../application/dashboard-projections';
import { BOARD_CURSOR, DashboardTables, MEMBER_CURSOR, QUEUE_CURSOR } from '../persistence/dashboard.tables';
import { leadPoolWaiting, NamedWeeklyReport, weeklyReport, withMemberNames } from '../domain';
import { DashboardAsOf } from '../application/dashboard-as-of';
import { DASHBOARD_PAGE, DASHBOARD_SCRIPT, DASHBOARD_STYLE } from './dashboard.page';

// management, the team and other systems read the dashboard; contractors see only their own work elsewhere
export const READERS = ['lead', 'senior', 'agent', 'analyst', 'service'] as const;

@ApiTags('dashboard')
@ApiBearerAuth()
@Controller()
export class DashboardController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tables: DashboardTables,
    private readonly projections: DashboardProjections,
    private readonly changes: ProjectionChanges,
    private readonly past: DashboardAsOf,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(TEAM_TIME_ZONE_TOKEN) private readonly timeZone: string,
    @Inject(PersonalDataOpening) private readonly personalData: PersonalDataOpening,
  ) {}

  /** the web page: live queue, SLA board with countdowns, this week's KPIs (it asks for a token) */
  @Get()
  @Public()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @ApiAnswerAs('text/html', 'the live dashboard page', '<!doctype html><html lang="zh-CN">…</html>')
  page() {
    return DASHBOARD_PAGE;
  }

  @Get('app.js')
  @Public()
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @ApiAnswerAs('text/javascript', "the page's script", "'use strict';")
  pageScript() {
    return DASHBOARD_SCRIPT;
  }

  @Get('app.css')
  @Public()
  @Header('Content-Type', 'text/css; charset=utf-8')
  @ApiAnswerAs('text/css', "the page's style sheet", 'body { font-family: sans-serif; }')
  pageStyle() {
    return DASHBOARD_STYLE;
  }

  @Get('v1/queue')
  @PagedList({ items: 'open tickets, urgent first, then oldest, each with its nearest running deadline (nextDeadline)', item: QueueEntryDto })
  @ApiQuery({ name: 'state', required: false, description: 'one state; every open one when left out' })
  @ApiQuery({ name: 'tier', required: false })
  @ApiQuery({ name: 'assignee', required: false, description: 'member id' })
  @AsOfRead('the queue', 'the id of the last event folded, in time order')
  @Roles(...READERS)
  async queue(
    @PageQuery() query: RawPageQuery,
    @AsOfQuery() rawAsOf: RawAsOf,
    @Res({ passthrough: true }) res: FastifyReply,
    @Query('state') state?: string,
    @Query('tier') tier?: string,
    @Query('assignee') assignee?: string,
  ) {
    const { page, asOf } = this.pageAsOf(query, QUEUE_CURSOR, rawAsOf);
    if (!asOf) return this.tables.liveQueue(this.dataSource, { state, tier, assignee }, page);
    const past = await this.past.queue({ state, tier, assignee }, asOf, page);
    markAsOf(res, past.mark);
    return past.page;
  }

  /** clocks at risk (running, past their warning) and breached ones not yet ended; each says `breached` */
  @Get('v1/sla-board')
  @PagedList({ items: 'SLA clocks at risk or breached, soonest due first', item: BoardClockDto })
  @AsOfRead('the board', 'the id of the last event folded, in time order')
  @Roles(...READERS)
  async slaBoard(@PageQuery() query: RawPageQuery, @AsOfQuery() rawAsOf: RawAsOf, @Res({ passthrough: true }) res: FastifyReply) {
    const { page, asOf } = this.pageAsOf(query, BOARD_CURSOR, rawAsOf);
    if (!asOf) return this.tables.slaBoard(this.dataSource, this.clock.now(), page);
    const past = await this.past.slaBoard(asOf, page);
    markAsOf(res, past.mark);
    return past.page;
  }

  // the timeline keeps each event's data as published, personal values sealed: they are opened here (an
  // erased customer's read `[erased]`), then an analyst's are masked, by the catalogue
  @Get('v1/customers/:id/timeline')
  @ApiAnswer([TimelineEntryDto], "the customer's ticket events, oldest first")
  @Roles(...READERS)
  async timeline(@UuidParam() id: string, @CurrentActor() actor: Actor) {
    const events = await this.personalData.openEvents(this.dataSource, await this.tables.customerTimeline(this.dataSource, id));
    return eventsSeenBy(actor.role, eventCatalogue, events);
  }

  /** the weekly KPIs per team and member, each member named (ISO week in the team's time zone; default this week) */
  @Get('v1/kpis/weekly')
  @ApiAnswer(WeeklyReportDto)
  @AsOfRead("the week's KPIs (default: the week of the instant; members named as now)", 'the id of the last event folded, in time order')
  @Roles(...READERS)
  async kpis(@AsOfQuery() rawAsOf: RawAsOf, @Res({ passthrough: true }) res: FastifyReply, @Query('week') week?: string) {
    const asOf = asOfRequest(rawAsOf, this.clock.now(), this.weekProblems(week));
    if (!asOf) return this.weeklyReport(week);
    const past = await this.past.weeklyReport(week, asOf);
    markAsOf(res, past.mark);
    return past.report;
  }

  /** the weekly report for the customer-service desk, as a CSV file: everything the JSON report has */
  @Get('v1/reports/weekly.csv')
  @Roles(...READERS)
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @ApiAnswerAs('text/csv', 'the weekly KPIs as CSV', 'section,memberId,name,assigned\nteam,,,12\n')
  async report(@Res({ passthrough: true }) res: FastifyReply, @Query('week') week?: string) {
    const report = await this.weeklyReport(week);
    res.header('Content-Disposition', `attachment; filename="${weeklyReportFileName(report)}"`);
    return weeklyReportCsv(report);
  }

  /** the team as the page shows it: its time zone (on every page), and a page of its members' names from the roster topic */
  @Get('v1/team')
  @PagedList({ items: 'members (memberId, name, role) by id; the page also says the team time zone (timeZone)', item: TeamMemberDto, also: TEAM_PAGE_ALSO })
  @Roles(...READERS)
  async team(@PageQuery() query: RawPageQuery) {
    const members = await this.tables.membersPage(this.dataSource, pageRequest(query, MEMBER_CURSOR));
    return { timeZone: this.timeZone, items: members.items.map(({ memberId, name, role }) => ({ memberId, name, role })), nextCursor: members.nextCursor };
  }

  /** how many leads wait in the pool now (captured or returned, not yet allocated), and how long the oldest has */
  @Get('v1/lead-pool')
  @ApiAnswer(LeadPoolWaitingDto)
  @Roles(...READERS)
  async leadPool() {
    const { waiting, oldestWaitingSince } = await this.tables.leadPool(this.dataSource);
    return leadPoolWaiting(waiting, oldestWaitingSince, this.clock.now());
  }

  /** a digest of every projection: a rebuild from the topics must give the same one */
  @Get('v1/projections/checksum')
  @ApiAnswer(ProjectionChecksumDto)
  @Roles(...READERS)
  checksum() {
    return this.tables.checksum(this.dataSource);
  }

  /** how far the projections are behind the topics (0 = caught up) */
  @Get('v1/projections/status')
  @ApiAnswer(ProjectionStatusDto)
  @Roles(...READERS)
  async status() {
    const lag = await this.projections.lag();
    return { lag, caughtUp: lag === 0 };
  }

  /** drops every projection and replays all topics from offset 0; the status shows when it has caught up */
  @Post('v1/projections/rebuild')
  @Roles('lead', 'service')
  @HttpCode(202)
  @ApiAnswer(RebuildStartedDto, 'the rebuild started')
  async rebuild() {
    const refused = await this.projections.rebuild();
    if (refused) throw new ConflictException(refused);
    return { rebuilding: true };
  }

  /** server-sent events: every change of the queue (`ticket`), the SLA board (`clock`), a member's name (`member`) and a lead's place (`lead`), as the row is now */
  @Sse('v1/live')
  @ApiAnswerAs(
    'text/event-stream',
    'every change of a queue, clock, member or lead row, as it happens (server-sent events: type = ticket, clock, member or lead; data = the row)',
    LIVE_EXAMPLE,
  )
  @Roles(...READERS)
  live(): Observable<MessageEvent> {
    return this.changes.pipe(map((change) => ({ type: change.kind, data: change.row })));
  }

  private async weeklyReport(week: string | undefined): Promise<NamedWeeklyReport> {
    const isoWeek = this.week(week);
    const [events, members] = await Promise.all([this.tables.kpiEvents(this.dataSource), this.tables.allMembers(this.dataSource)]);
    return withMemberNames(weeklyReport(events, isoWeek, this.timeZone), new Map(members.map((m) => [m.memberId, m.name])));
  }

  private week(week: string | undefined): string {
    const problems = this.weekProblems(week);
    if (problems.length > 0) throw new BadRequestException(problems);
    return week ?? isoWeekOf(this.clock.now(), this.timeZone);
  }

  private weekProblems(week: string | undefined): string[] {
    return week !== undefined && !ISO_WEEK.test(week) ? ['week must be an ISO week, e.g. 2026-W48'] : [];
  }

  // the page asked for and the instant (none: now), a 400 naming every bad parameter of both otherwise
  private pageAsOf<K>(query: RawPageQuery, cursor: CursorShape<K>, rawAsOf: RawAsOf): { page: PageRequest<K>; asOf?: Date } {
    const now = this.clock.now();
    const page = pageRequest(query, cursor, asOfProblems(rawAsOf, now));
    return { page, asOf: asOfRequest(rawAsOf, now) };
  }
}
