import { BadRequestException, Controller, Get, Inject, NotFoundException, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { auditTrail } from '@support/event-store';
import { Roles } from '@support/service-kit';
import { minutesBetween } from '../domain';
import { SLA_RUNTIME, SlaMonitorRuntime } from '../sla.providers';
import { ClockRow } from '../persistence/clock.repository';

const READERS = ['lead', 'senior', 'agent', 'analyst', 'service'] as const;
const RISKS = ['at-risk', 'breached'] as const;

@ApiTags('clocks')
@ApiBearerAuth()
@Controller('v1')
export class ClocksController {
  constructor(@Inject(SLA_RUNTIME) private readonly runtime: SlaMonitorRuntime) {}

  /** a ticket's clocks with the time left (negative when overdue), in each rule's time basis */
  @Get('tickets/:id/clocks')
  @Roles(...READERS)
  async ofTicket(@Param('id', new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException(['id must be a UUID']) })) id: string) {
    const clocks = await this.runtime.clocks.ofTicket(this.runtime.dataSource, id);
    return clocks.map((clock) => this.withRemaining(clock));
  }

  /** open clocks past their warning time (`at-risk`) or past due (`breached`), soonest due first */
  @Get('clocks')
  @Roles(...READERS)
  async byRisk(@Query('status') status?: string) {
    if (!status || !(RISKS as readonly string[]).includes(status)) throw new BadRequestException([`status must be one of: ${RISKS.join(', ')}`]);
    const clocks = await this.runtime.clocks.byRisk(this.runtime.dataSource, status as (typeof RISKS)[number], this.runtime.clock.now());
    return clocks.map((clock) => this.withRemaining(clock));
  }

  @Get('clocks/:clockId/history')
  @Roles(...READERS)
  async history(@Param('clockId') clockId: string) {
    const events = await this.runtime.monitor.clockHistory(clockId);
    if (events.length === 0) throw new NotFoundException(`clock ${clockId} not found`);
    return auditTrail(events);
  }

  /** the rules and business calendar in force */
  @Get('policies')
  @Roles(...READERS)
  policies() {
    return this.runtime.settings();
  }

  private withRemaining(clock: ClockRow) {
    const { calendar } = this.runtime.settings();
    const now = this.runtime.clock.now();
    const open = clock.status === 'running' || clock.status === 'breached';
    const remainingMinutes = open ? minutesBetween(clock.timeBasis as 'calendar' | 'working', calendar, now, new Date(clock.dueAt)) : null;
    return { ...clock, remainingMinutes };
  }
}

