import { BadRequestException, ConflictException, Controller, Get, Header, HttpCode, Inject, MessageEvent, Post, Query, Sse } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { map, Observable } from 'rxjs';
import { Actor, ISO_WEEK, isoWeekOf } from '@support/contracts';
import { CurrentActor, Public, Roles, UuidParam } from '@support/service-kit';
import { weeklyReportCsv } from '../application/weekly-report.csv';
import { DASHBOARD_RUNTIME, DashboardRuntime } from '../dashboard.providers';
import { weeklyReport } from '../domain';
import { timelineSeenBy } from './customer-timeline.view';
import { DASHBOARD_PAGE, DASHBOARD_SCRIPT, DASHBOARD_STYLE } from './dashboard.page';

// management, the team and other systems read the dashboard; contractors see only their own work elsewhere
const READERS = ['lead', 'senior', 'agent', 'analyst', 'service'] as const;

@ApiTags('dashboard')
@ApiBearerAuth()
@Controller()
export class DashboardController {
  constructor(@Inject(DASHBOARD_RUNTIME) private readonly runtime: DashboardRuntime) {}

  /** the web page: live queue, SLA board with countdowns, this week's KPIs (it asks for a token) */
  @Get()
  @Public()
  @Header('Content-Type', 'text/html; charset=utf-8')
  page() {
    return DASHBOARD_PAGE;
  }

  @Get('app.js')
  @Public()
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  pageScript() {
    return DASHBOARD_SCRIPT;
  }

  @Get('app.css')
  @Public()
  @Header('Content-Type', 'text/css; charset=utf-8')
  pageStyle() {
    return DASHBOARD_STYLE;
  }

  @Get('v1/queue')
  @Roles(...READERS)
  queue(@Query('state') state?: string, @Query('tier') tier?: string, @Query('assignee') assignee?: string) {
    return this.runtime.tables.liveQueue(this.runtime.dataSource, { state, tier, assignee });
  }

  @Get('v1/sla-board')
  @Roles(...READERS)
  slaBoard() {
    return this.runtime.tables.slaBoard(this.runtime.dataSource, this.runtime.clock.now());
  }

  @Get('v1/customers/:id/timeline')
  @Roles(...READERS)
  async timeline(@UuidParam() id: string, @CurrentActor() actor: Actor) {
    return timelineSeenBy(actor.role, await this.runtime.tables.customerTimeline(this.runtime.dataSource, id));
  }

  /** the weekly KPIs per team and member (ISO week in the team's time zone; default this week) */
  @Get('v1/kpis/weekly')
  @Roles(...READERS)
  async kpis(@Query('week') week?: string) {
    return weeklyReport(await this.runtime.tables.kpiEvents(this.runtime.dataSource), this.week(week));
  }

  /** the weekly report for the customer-service desk, as CSV */
  @Get('v1/reports/weekly.csv')
  @Roles(...READERS)
  @Header('Content-Type', 'text/csv; charset=utf-8')
  async report(@Query('week') week?: string) {
    return weeklyReportCsv(weeklyReport(await this.runtime.tables.kpiEvents(this.runtime.dataSource), this.week(week)));
  }

  /** a digest of every projection: a rebuild from the topics must give the same one */
  @Get('v1/projections/checksum')
  @Roles(...READERS)
  checksum() {
    return this.runtime.tables.checksum(this.runtime.dataSource);
  }

  /** how far the projections are behind the topics (0 = caught up) */
  @Get('v1/projections/status')
  @Roles(...READERS)
  async status() {
    const lag = await this.runtime.projections.lag();
    return { lag, caughtUp: lag === 0 };
  }

  /** drops every projection and replays all topics from offset 0; the status shows when it has caught up */
  @Post('v1/projections/rebuild')
  @Roles('lead', 'service')
  @HttpCode(202)
  async rebuild() {
    if (!(await this.runtime.projections.rebuild())) throw new ConflictException('a rebuild is starting already');
    return { rebuilding: true };
  }

  /** server-sent events: every queue and SLA-board change, as the row is now */
  @Sse('v1/live')
  @Roles(...READERS)
  live(): Observable<MessageEvent> {
    return this.runtime.changes.pipe(map((change) => ({ type: change.kind, data: change.kind === 'ticket' ? change.ticket : change.clock })));
  }

  private week(week: string | undefined): string {
    if (week !== undefined && !ISO_WEEK.test(week)) throw new BadRequestException(['week must be an ISO week, e.g. 2026-W48']);
    return week ?? isoWeekOf(this.runtime.clock.now());
  }
}
