import { readFileSync } from 'node:fs';
import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Clock } from '@support/contracts';
import { CLOCK, Public, Roles } from '@support/service-kit';
import { TEAM_TIME_ZONE_TOKEN } from '../application/dashboard-projections';
import { breachesPerDay, depthWindowStart, lastDays, lastIsoWeeks, queueDepthByHour, weeklyTrends } from '../domain';
import { DashboardTables } from '../persistence/dashboard.tables';
import { READERS } from './dashboard.controller';
import { TRENDS_SCRIPT } from './trends.page';
import { BreachTrendDto, ComplianceTrendsDto, QueueDepthTrendDto, RateTrendsDto } from './trends.dto';

/** how far back each chart looks */
export const TREND_WEEKS = 12;
export const TREND_DAYS = 28;
export const TREND_HOURS = 24;

// the chart library (uPlot), served from the installed package: no CDN, and the page's policy allows only its own files
const CHART_SCRIPT = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
const CHART_STYLE = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');

/** The page's trend charts: their series as REST reads, and the script and library that draw them. */
@ApiTags('dashboard')
@ApiBearerAuth()
@Controller()
export class TrendsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tables: DashboardTables,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(TEAM_TIME_ZONE_TOKEN) private readonly timeZone: string,
  ) {}

  @Get('trends.js')
  @Public()
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  trendsScript() {
    return TRENDS_SCRIPT;
  }

  @Get('vendor/uplot.js')
  @Public()
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  chartScript() {
    return CHART_SCRIPT;
  }

  @Get('vendor/uplot.css')
  @Public()
  @Header('Content-Type', 'text/css; charset=utf-8')
  chartStyle() {
    return CHART_STYLE;
  }

  /** the team's response and resolution rates over the last 12 ISO weeks (the weekly report's figures) */
  @Get('v1/trends/rates')
  @Roles(...READERS)
  @ApiOkResponse({ type: RateTrendsDto })
  async rates(): Promise<RateTrendsDto> {
    return { timeZone: this.timeZone, weeks: (await this.weeklyTrends()).rates };
  }

  /** SLA compliance per rule over the last 12 ISO weeks: clocks met within target / decided in the week */
  @Get('v1/trends/sla-compliance')
  @Roles(...READERS)
  @ApiOkResponse({ type: ComplianceTrendsDto })
  async slaCompliance(): Promise<ComplianceTrendsDto> {
    return { timeZone: this.timeZone, ...(await this.weeklyTrends()).compliance };
  }

  /** open tickets in the queue at the end of each of the last 24 hours of the team's day */
  @Get('v1/trends/queue-depth')
  @Roles(...READERS)
  @ApiOkResponse({ type: QueueDepthTrendDto })
  async queueDepth(): Promise<QueueDepthTrendDto> {
    const now = this.clock.now();
    const { baseline, changes } = await this.tables.depthChangesSince(this.dataSource, depthWindowStart(now, TREND_HOURS, this.timeZone));
    return { timeZone: this.timeZone, hours: queueDepthByHour(baseline, changes, now, TREND_HOURS, this.timeZone) };
  }

  /** SLA clocks breached per day over the last 28 days of the team's calendar */
  @Get('v1/trends/breaches')
  @Roles(...READERS)
  @ApiOkResponse({ type: BreachTrendDto })
  async breaches(): Promise<BreachTrendDto> {
    const days = lastDays(this.clock.now(), TREND_DAYS, this.timeZone);
    // a day before the first, so that no time zone's first day is cut
    const since = new Date(Date.parse(`${days[0]}T00:00:00Z`) - 86_400_000);
    return { timeZone: this.timeZone, days: breachesPerDay(await this.tables.breachesSince(this.dataSource, since), days, this.timeZone) };
  }

  private async weeklyTrends() {
    return weeklyTrends(await this.tables.kpiEvents(this.dataSource), lastIsoWeeks(this.clock.now(), TREND_WEEKS, this.timeZone), this.timeZone);
  }
}
