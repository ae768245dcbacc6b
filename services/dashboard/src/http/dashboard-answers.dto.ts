import { ApiProperty } from '@nestjs/swagger';
import { ActorRefDto } from '@support/service-kit';

// what the dashboard answers (board-rows.ts, team-rows.ts, weekly-kpis.ts, dashboard.tables.ts)

const TICKET_ID = '3b2f7c1e-8d4a-4f6b-9c0e-5a1d2e3f4a5b';

export class DeadlineDto {
  @ApiProperty({ example: 'first-contact:ticket:3b2f7c1e-8d4a-4f6b-9c0e-5a1d2e3f4a5b' }) clockId!: string;
  @ApiProperty({ example: 'first-contact' }) ruleId!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T01:46:00.000Z' }) dueAt!: string;
}

/** A ticket in the live queue; a field the dashboard has not seen yet is null. */
export class QueueRowDto {
  @ApiProperty({ format: 'uuid', example: TICKET_ID }) ticketId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' }) customerId!: string | null;
  @ApiProperty({ example: 'assigned' }) state!: string;
  @ApiProperty({ type: String, nullable: true, example: 'urgent' }) urgency!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'wechat' }) channel!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Dell XPS 15 9520' }) deviceModel!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'L1' }) tier!: string | null;
  @ApiProperty({ type: ActorRefDto, nullable: true }) assignee!: ActorRefDto | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-03-02T01:15:00.000Z' }) receivedAt!: string | null;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T01:16:00.000Z' }) changedAt!: string;
}

export class QueueEntryDto extends QueueRowDto {
  @ApiProperty({ type: DeadlineDto, nullable: true, description: 'its nearest running deadline' }) nextDeadline!: DeadlineDto | null;
}

/** An SLA clock on the board. */
export class BoardClockDto {
  @ApiProperty({ example: 'first-contact:ticket:3b2f7c1e-8d4a-4f6b-9c0e-5a1d2e3f4a5b' }) clockId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, example: TICKET_ID }) ticketId!: string | null;
  @ApiProperty({ example: 'first-contact' }) ruleId!: string;
  @ApiProperty({ example: 'running' }) status!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T01:46:00.000Z' }) dueAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T01:40:00.000Z' }) warnAt!: string;
  @ApiProperty({ example: true }) warned!: boolean;
  @ApiProperty({ example: false }) breached!: boolean;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T01:40:00.000Z' }) changedAt!: string;
}

/** One ticket event on the customer's timeline. */
export class TimelineEntryDto {
  @ApiProperty({ format: 'uuid', example: '7d1f5a0e-2f7b-4c3e-9d4a-1b2c3d4e5f60' }) eventId!: string;
  @ApiProperty({ format: 'uuid', example: TICKET_ID }) ticketId!: string;
  @ApiProperty({ example: 'support.ticket.received.v1' }) type!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T01:15:00.000Z' }) at!: string;
  @ApiProperty({ type: ActorRefDto }) actor!: ActorRefDto;
  @ApiProperty({ type: 'object', additionalProperties: true, description: "the event's data, as the reader's role may see it", example: { urgency: 'urgent' } }) data!: unknown;
}

export class FiguresDto {
  @ApiProperty({ example: 12 }) assigned!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'first contact within the SLA', example: 0.92 }) responseRate!: number | null;
  @ApiProperty({ example: 10 }) resolved!: number;
  @ApiProperty({ type: Number, nullable: true, example: 0.83 }) resolutionRate!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 0.5 }) firstContactResolution!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'mean satisfaction, 1-5', example: 4.6 }) csat!: number | null;
  @ApiProperty({ example: 8 }) feedbackCount!: number;
  @ApiProperty({ example: 1 }) escalations!: number;
  @ApiProperty({ example: 0 }) breaches!: number;
}

export class MemberFiguresDto extends FiguresDto {
  @ApiProperty({ example: 'agent-li' }) memberId!: string;
  @ApiProperty({ type: String, nullable: true, example: '李工' }) name!: string | null;
}

export class RuleComplianceDto {
  @ApiProperty({ example: 'first-contact' }) ruleId!: string;
  @ApiProperty({ example: 11 }) met!: number;
  @ApiProperty({ example: 1 }) breached!: number;
  @ApiProperty({ type: Number, nullable: true, example: 0.92 }) compliance!: number | null;
}

export class LeadFiguresDto {
  @ApiProperty({ example: 'agent-li' }) memberId!: string;
  @ApiProperty({ type: String, nullable: true, example: '李工' }) name!: string | null;
  @ApiProperty({ example: 5 }) contributed!: number;
  @ApiProperty({ example: 4 }) received!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'the share the ratios promise', example: 0.4 }) expectedShare!: number | null;
}

/** One ISO week's KPIs, for the team and per member. */
export class WeeklyReportDto {
  @ApiProperty({ example: '2026-W10' }) week!: string;
  @ApiProperty({ type: FiguresDto }) team!: FiguresDto;
  @ApiProperty({ type: [MemberFiguresDto] }) members!: MemberFiguresDto[];
  @ApiProperty({ type: [RuleComplianceDto] }) slaCompliance!: RuleComplianceDto[];
  @ApiProperty({ type: [LeadFiguresDto] }) leads!: LeadFiguresDto[];
}

/** A member as the dashboard names them. */
export class TeamMemberDto {
  @ApiProperty({ example: 'agent-li' }) memberId!: string;
  @ApiProperty({ example: '李工' }) name!: string;
  @ApiProperty({ type: String, nullable: true, example: 'agent' }) role!: string | null;
}

/** How many leads wait in the pool now, and how long the oldest has. */
export class LeadPoolWaitingDto {
  @ApiProperty({ format: 'date-time', example: '2026-03-02T02:00:00.000Z' }) at!: string;
  @ApiProperty({ example: 1 }) waiting!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-03-02T01:50:00.000Z' }) oldestWaitingSince!: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 600 }) longestWaitSeconds!: number | null;
}

/** A checksum of every projection's rows: equal after a rebuild from offset 0. */
export class ProjectionChecksumDto {
  @ApiProperty({ example: 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9' }) checksum!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, description: 'rows per projection', example: { queue: 3, slaBoard: 5, timeline: 12, kpiEvents: 40 } })
  rows!: Record<string, number>;
}

export class ProjectionStatusDto {
  @ApiProperty({ description: 'messages not yet projected, over every topic', example: 0 }) lag!: number;
  @ApiProperty({ example: true }) caughtUp!: boolean;
}

export class RebuildStartedDto {
  @ApiProperty({ enum: [true], example: true }) rebuilding!: true;
}

/** A page member beside items and nextCursor: the team's time zone. */
export const TEAM_PAGE_ALSO = { timeZone: { type: 'string', example: 'Asia/Shanghai', description: 'the team time zone' } } as const;

export const LIVE_EXAMPLE = 'event: ticket\ndata: {"ticketId":"3b2f7c1e-8d4a-4f6b-9c0e-5a1d2e3f4a5b","state":"assigned"}\n\n';
