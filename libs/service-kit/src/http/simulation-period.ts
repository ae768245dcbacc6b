import { BadRequestException } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { ValidateBy } from 'class-validator';
import { instantOf } from './as-of';

/** the longest period one simulation replays: a quarter, so one request's memory and time stay bounded */
export const SIMULATION_MAX_DAYS = 92;

const INSTANT_RULE = 'must be an ISO 8601 instant with an offset, e.g. 2026-03-02T00:00:00+08:00';

/** A string that is an ISO 8601 instant with an offset (Z or ±hh:mm), on a calendar date that exists. */
export function IsInstant(): PropertyDecorator {
  return ValidateBy({
    name: 'isInstant',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && instantOf(value) !== undefined,
      defaultMessage: (args) => `${args?.property ?? 'value'} ${INSTANT_RULE}`,
    },
  });
}

/**
 * The period of a what-if simulation, `[from, to)`. A service's proposal DTO extends it with what the
 * service can simulate; {@link simulationPeriod} checks the rules between the two fields.
 */
export class SimulationPeriodDto {
  @ApiProperty({ format: 'date-time', example: '2026-03-02T00:00:00+08:00', description: 'first instant replayed (inclusive)' })
  @IsInstant()
  from!: string;

  @ApiProperty({
    format: 'date-time',
    example: '2026-03-09T00:00:00+08:00',
    description: `end of the period (exclusive); not in the future, at most ${SIMULATION_MAX_DAYS} days after from`,
  })
  @IsInstant()
  to!: string;
}

/** The period as instants, or a 400 naming the field and the rule: from before to, to not in the future, at most SIMULATION_MAX_DAYS long. */
export function simulationPeriod(period: SimulationPeriodDto, now: Date): { from: Date; to: Date } {
  const read = readSimulationPeriod(period, now);
  if (!read.ok) throw new BadRequestException(read.problems);
  return read.period;
}

/** {@link simulationPeriod} without throwing: the period, or its problems (for a 400 that lists them with the route's own). */
export function readSimulationPeriod(period: SimulationPeriodDto, now: Date): { ok: true; period: { from: Date; to: Date } } | { ok: false; problems: string[] } {
  const from = instantOf(period.from);
  const to = instantOf(period.to);
  if (!from || !to) return { ok: false, problems: [`${!from ? 'from' : 'to'} ${INSTANT_RULE}`] };
  const problems: string[] = [];
  if (to.getTime() <= from.getTime()) problems.push('to must be after from');
  if (to.getTime() > now.getTime()) problems.push(`to must not be in the future (now is ${now.toISOString()})`);
  if (to.getTime() - from.getTime() > SIMULATION_MAX_DAYS * 86_400_000) problems.push(`to must be at most ${SIMULATION_MAX_DAYS} days after from`);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, period: { from, to } };
}
