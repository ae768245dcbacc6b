import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SLA_SUBJECTS, TIME_BASES } from '@support/contracts';
import { WEEKDAYS } from '../domain/business-calendar';
import { CLOCK_STATUSES } from '../domain/sla-clock.state';

// what sla-monitor answers (clocks.controller.ts, clock.repository.ts, sla-policy.service.ts)

export const RULE_EXAMPLE = {
  id: 'first-contact',
  name: '首次联系',
  subject: 'ticket',
  start: [{ type: 'support.ticket.assigned.v1' }],
  stop: [{ type: 'support.ticket.contacted.v1' }],
  timeBasis: 'calendar',
  targetMinutes: { urgent: 30, normal: 60 },
  warnAtPercent: 80,
  onBreach: ['escalate-if-urgent'],
};

export const CALENDAR_EXAMPLE = {
  timeZone: 'Asia/Shanghai',
  workingHours: Object.fromEntries(WEEKDAYS.map((day) => [day, day === 'sat' || day === 'sun' ? [] : [{ start: '09:00', end: '18:00' }]])),
  holidays: ['2026-10-01'],
  specialDays: { '2026-09-27': [{ start: '09:00', end: '18:00' }] },
};

export class ClockSubjectDto {
  @ApiProperty({ enum: SLA_SUBJECTS, example: 'ticket' }) type!: string;
  @ApiProperty({ example: '3b2f7c1e-8d4a-4f6b-9c0e-5a1d2e3f4a5b' }) id!: string;
}

/** One SLA clock, with the time left. */
export class ClockDto {
  @ApiProperty({ example: 'first-contact:ticket:3b2f7c1e-8d4a-4f6b-9c0e-5a1d2e3f4a5b' }) clockId!: string;
  @ApiProperty({ example: 'first-contact' }) ruleId!: string;
  @ApiProperty({ type: ClockSubjectDto }) subject!: ClockSubjectDto;
  @ApiPropertyOptional({ format: 'uuid', example: '3b2f7c1e-8d4a-4f6b-9c0e-5a1d2e3f4a5b' }) ticketId?: string;
  @ApiProperty({ enum: CLOCK_STATUSES, example: 'running' }) status!: string;
  @ApiProperty({ enum: TIME_BASES, example: 'calendar' }) timeBasis!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T01:16:00.000Z' }) startedAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T01:46:00.000Z' }) dueAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T01:40:00.000Z' }) warnAt!: string;
  @ApiProperty({ example: false }) warned!: boolean;
  @ApiProperty({ example: false }) breached!: boolean;
  @ApiProperty({ example: 1 }) version!: number;
  @ApiProperty({ type: Number, nullable: true, description: "minutes left in the rule's time basis, negative when overdue; null once stopped", example: 12.5 })
  remainingMinutes!: number | null;
}

/** The SLA rules and business calendar in force, with the policy's version. */
export class PolicyAnswerDto {
  @ApiProperty({ description: 'also the ETag: send it as If-Match to change the policy', example: 3 }) version!: number;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, example: [RULE_EXAMPLE] }) rules!: Array<Record<string, unknown>>;
  @ApiProperty({ type: 'object', additionalProperties: true, example: CALENDAR_EXAMPLE }) calendar!: Record<string, unknown>;
}
