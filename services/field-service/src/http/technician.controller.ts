import { BadRequestException, Controller, ForbiddenException, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor } from '@support/contracts';
import { ApiAnswer, CurrentActor, readEveryPage, Roles } from '@support/service-kit';
import { TechnicianDayDto } from './field-answers.dto';
import { VISIT_CURSOR } from '../persistence/field-views.repository';
import { VisitService } from '../application/visit.service';
import { FIELD_READERS } from './field-http';

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

@ApiTags('visits')
@ApiBearerAuth()
@Controller('v1/technicians')
export class TechnicianController {
  constructor(private readonly visits: VisitService) {}

  /** A technician's day: their visits with appointments on that date (team time zone), with checklists; the whole day, not paged. */
  @Get(':id/day')
  @ApiAnswer(TechnicianDayDto)
  @Roles(...FIELD_READERS)
  async day(@Param('id') technicianId: string, @CurrentActor() actor: Actor, @Query('date') date?: string, @Query('timeZone') timeZone = DEFAULT_TIME_ZONE) {
    if (actor.role === 'contractor' && actor.id !== technicianId) throw new ForbiddenException('a contractor sees only their own day');
    const errors = [
      ...(date === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)) ? ['date must be a calendar date (YYYY-MM-DD)'] : []),
      ...(!isTimeZone(timeZone) ? ['timeZone must be an IANA time zone, e.g. Asia/Shanghai'] : []),
    ];
    if (errors.length > 0) throw new BadRequestException(errors);
    const { from, to } = dayBounds(date as string, timeZone);
    // a day is bounded: shown whole, read a page at a time
    const visits = await readEveryPage((page) => this.visits.list({ technicianId, from, to, page }, actor), VISIT_CURSOR);
    return { technicianId, date, timeZone, from: from.toISOString(), to: to.toISOString(), visits };
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** [local midnight, next local midnight) of a calendar date in a time zone, as UTC instants */
export function dayBounds(date: string, timeZone: string): { from: Date; to: Date } {
  const midnight = (day: string) => {
    const guess = Date.parse(`${day}T00:00:00Z`);
    // correct by the zone's offset at the guess, then again at the result (a change of offset that day)
    const first = guess - offsetMs(guess, timeZone);
    return new Date(guess - offsetMs(first, timeZone));
  };
  const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return { from: midnight(date), to: midnight(next) };
}

function offsetMs(instant: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(instant))
      .map((p) => [p.type, p.value]),
  );
  const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return local - Math.floor(instant / 1000) * 1000;
}
