import { ApiProperty } from '@nestjs/swagger';

// the trend charts' answers, for the OpenAPI document: objects holding their series, never bare arrays

export class WeekRatesDto {
  @ApiProperty({ example: '2026-W48', description: 'ISO week in the team time zone' }) week!: string;
  @ApiProperty({ example: 40, description: 'distinct tickets assigned in the week' }) assigned!: number;
  @ApiProperty({ example: 0.9, nullable: true, type: Number, description: 'first-contact clocks met within target / decided in the week' }) responseRate!: number | null;
  @ApiProperty({ example: 34, description: 'resolutions in the week' }) resolved!: number;
  @ApiProperty({ example: 0.85, nullable: true, type: Number, description: 'resolved / assigned' }) resolutionRate!: number | null;
}

export class RateTrendsDto {
  @ApiProperty({ example: 'Asia/Shanghai' }) timeZone!: string;
  @ApiProperty({ type: [WeekRatesDto], description: 'the last 12 ISO weeks, oldest first, the current one last' }) weeks!: WeekRatesDto[];
}

export class RuleComplianceDto {
  @ApiProperty({ example: 'first-contact' }) ruleId!: string;
  @ApiProperty({ example: 38, description: 'clocks met within target' }) met!: number;
  @ApiProperty({ example: 2, description: 'clocks breached or met late' }) breached!: number;
  @ApiProperty({ example: 0.95, nullable: true, type: Number, description: 'met / (met + breached); null when no clock of the rule was decided' }) compliance!: number | null;
}

export class WeekComplianceDto {
  @ApiProperty({ example: '2026-W48' }) week!: string;
  @ApiProperty({ type: [RuleComplianceDto], description: 'one entry per rule in `rules`, in that order' }) rules!: RuleComplianceDto[];
}

export class ComplianceTrendsDto {
  @ApiProperty({ example: 'Asia/Shanghai' }) timeZone!: string;
  @ApiProperty({ example: ['first-contact', 'hand-over'], description: 'every rule decided in any of the weeks, by id' }) rules!: string[];
  @ApiProperty({ type: [WeekComplianceDto], description: 'the last 12 ISO weeks, oldest first' }) weeks!: WeekComplianceDto[];
}

export class HourDepthDto {
  @ApiProperty({ example: '2026-11-30T01:00:00.000Z', description: 'the hour begins (a whole hour of the team time zone)' }) from!: string;
  @ApiProperty({ example: '2026-11-30T02:00:00.000Z', description: 'the hour ends (now, for the current hour)' }) to!: string;
  @ApiProperty({ example: 7, description: 'open tickets in the queue at `to`' }) depth!: number;
}

export class QueueDepthTrendDto {
  @ApiProperty({ example: 'Asia/Shanghai' }) timeZone!: string;
  @ApiProperty({ type: [HourDepthDto], description: 'the last 24 hours, oldest first, the current hour last' }) hours!: HourDepthDto[];
}

export class DayBreachesDto {
  @ApiProperty({ example: '2026-11-30', description: 'calendar day in the team time zone' }) day!: string;
  @ApiProperty({ example: 3, description: 'SLA clocks that breached on the day' }) breaches!: number;
}

export class BreachTrendDto {
  @ApiProperty({ example: 'Asia/Shanghai' }) timeZone!: string;
  @ApiProperty({ type: [DayBreachesDto], description: 'the last 28 days, oldest first, today last' }) days!: DayBreachesDto[];
}
