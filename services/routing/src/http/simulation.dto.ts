import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { MEMBER_ROLES, MemberRole, Tier, TIERS } from '@support/contracts';
import { SimulationPeriodDto } from '@support/service-kit';
import { OUTCOME_TIERS } from '../domain';

// POST /v1/simulations: a what-if of routing (routing-simulation.service.ts)

/**
 * a change to one recorded member from `from` on (a field left out follows the record), or a member the
 * proposal adds (not on the roster by `to`): registered at `from` as POST /v1/members registers one
 */
export class MemberChangeDto {
  @ApiProperty({
    example: 'agent-li',
    description:
      'a member on the roster by `to` (the change applies from `from`), or one not on it, whom the proposal adds: they join at `from` ' +
      '(registered, and on duty unless onDuty is false) and stay the whole period; an added member needs role, tier and capacity (and scenarios for a contractor)',
  })
  @IsString()
  @Matches(/^[A-Za-z0-9._:@-]{1,100}$/, { message: 'memberId must be 1-100 letters, digits or . _ : @ -' })
  memberId!: string;

  @ApiPropertyOptional({
    enum: MEMBER_ROLES,
    example: 'agent',
    description: "only for a member the proposal adds (required then); a recorded member's role is fixed (400 if it differs)",
  })
  @IsOptional()
  @IsIn(MEMBER_ROLES)
  role?: MemberRole;

  @ApiPropertyOptional({ example: '李工', description: 'only for a member the proposal adds (the member id if left out); a recorded member keeps their name' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({
    enum: TIERS,
    example: 'L1',
    description:
      "the member's tier, which must be the one their role sits at, as on registration (agent L1, senior L2, lead L3, contractor L1); required for a member the proposal adds",
  })
  @IsOptional()
  @IsIn(TIERS)
  tier?: Tier;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, example: 8, description: 'open tickets at most; required for a member the proposal adds' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  capacity?: number;

  @ApiPropertyOptional({
    example: true,
    description: 'on (or off) duty for the whole period, whatever the recorded duty changes; a member the proposal adds is on duty unless this is false',
  })
  @IsOptional()
  @IsBoolean()
  onDuty?: boolean;

  @ApiPropertyOptional({ example: ['network', 'printer'], description: 'fault categories the member takes (the whole list; none for an added member if left out)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  skills?: string[];

  @ApiPropertyOptional({
    example: ['printer-driver-reinstall'],
    description: "a contractor's scenario whitelist (the whole list, at least one: required for a contractor the proposal adds); employees have none",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  scenarios?: string[];
}

export class RosterProposalDto {
  @ApiProperty({ type: [MemberChangeDto], description: 'each member at most once (recorded members changed, others added); an empty list replays the record as it was' })
  @IsArray()
  @ArrayMaxSize(1000)
  @ArrayUnique((change: MemberChangeDto) => change?.memberId, { message: 'members must name each member at most once' })
  @ValidateNested({ each: true })
  @Type(() => MemberChangeDto)
  members!: MemberChangeDto[];
}

export class RoutingSimulationRequestDto extends SimulationPeriodDto {
  @ApiProperty({ type: RosterProposalDto, description: 'changes to the recorded roster, in force from `from`' })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => RosterProposalDto)
  roster!: RosterProposalDto;
}

// ---- the answer -----------------------------------------------------------------------------------

export class PercentilesDto {
  @ApiProperty({ example: 40 }) count!: number;
  @ApiProperty({ type: Number, nullable: true, example: 12.5, description: 'minutes, nearest rank; null when count is 0' }) p50!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 47, description: 'minutes, nearest rank; null when count is 0' }) p90!: number | null;
}

export class QueueWaitDto {
  @ApiProperty({ type: PercentilesDto }) all!: PercentilesDto;
  @ApiProperty({ type: PercentilesDto }) urgent!: PercentilesDto;
  @ApiProperty({ type: PercentilesDto }) normal!: PercentilesDto;
}

export class TierOutcomeDto {
  @ApiProperty({ enum: OUTCOME_TIERS, example: 'L1' }) tier!: string;
  @ApiProperty({ example: 31, description: 'tickets handed to the tier in the period (assignments, dispatches and escalations)' }) assigned!: number;
  @ApiProperty({ type: PercentilesDto, description: 'queue wait of the tickets whose first hand was this tier' }) queueWait!: PercentilesDto;
}

export class MemberOutcomeDto {
  @ApiProperty({ example: 'agent-li' }) memberId!: string;
  @ApiProperty({ example: '李工' }) name!: string;
  @ApiProperty({ enum: MEMBER_ROLES, example: 'agent' }) role!: string;
  @ApiProperty({ enum: TIERS, example: 'L1' }) tier!: string;
  @ApiProperty({ example: 12, description: 'tickets handed to the member in the period (assignments, dispatches and escalations)' }) assigned!: number;
  @ApiProperty({ example: 3, description: 'peak of open tickets in the period (those carried in count)' }) maxOpen!: number;
}

export class RoutingOutcomeDto {
  @ApiProperty({ example: 40, description: 'tickets received in the period' }) tickets!: number;
  @ApiProperty({ example: 30, description: 'assignments to employees decided in the period (automatic and manual)' }) assigned!: number;
  @ApiProperty({ example: 6, description: 'assignments to whitelisted contractors decided in the period' }) dispatched!: number;
  @ApiProperty({ example: 1, description: "of those, a lead's manual ones" }) manual!: number;
  @ApiProperty({ example: 0, description: "a lead's recorded manual assignments the proposal made illegal (skipped by the replay); 0 in actual" }) manualSkipped!: number;
  @ApiProperty({ example: 2, description: 'escalations decided in the period' }) escalations!: number;
  @ApiProperty({ example: 1, description: 'tickets received in the period that nobody was handed by `to`, and that did not leave (resolved, closed, cancelled)' })
  waitingAtEnd!: number;
  @ApiProperty({ type: QueueWaitDto, description: 'minutes from receipt to the first assignment (or escalation), tickets received in the period' }) queueWait!: QueueWaitDto;
  @ApiProperty({ type: [TierOutcomeDto], description: 'L1, L2, L3, then contractor' }) byTier!: TierOutcomeDto[];
  @ApiProperty({ type: [MemberOutcomeDto], description: 'the roster as of `to` (and anyone handed work; in proposed, the members the proposal adds too), by member id' })
  members!: MemberOutcomeDto[];
}

export class SimulationPeriodAnswerDto {
  @ApiProperty({ format: 'date-time', example: '2026-03-01T16:00:00.000Z' }) from!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-08T16:00:00.000Z' }) to!: string;
}

export class ReplayedDto {
  @ApiProperty({ example: 412, description: 'inputs replayed in the period (ticket, catalogue and roster events, manual assignments)' }) eventsInPeriod!: number;
  @ApiProperty({ example: 3120, description: 'inputs replayed before it: the state carried in' }) eventsBefore!: number;
}

export class RosterProposalAnswerDto {
  @ApiProperty({
    type: [MemberChangeDto],
    description: 'as understood: by member id, labels trimmed; an added member with every field (name, onDuty, skills, scenarios filled in)',
  })
  members!: MemberChangeDto[];
}

export class RoutingSimulationAnswerDto {
  @ApiProperty({ example: 'routing' }) service!: string;
  @ApiProperty({ type: SimulationPeriodAnswerDto }) period!: SimulationPeriodAnswerDto;
  @ApiProperty({ type: RosterProposalAnswerDto }) proposal!: RosterProposalAnswerDto;
  @ApiProperty({ type: [String], description: 'what the replay assumed where the record cannot tell', example: ["Every ticket's later life ... happens at its recorded time ..."] })
  assumptions!: string[];
  @ApiProperty({ type: RoutingOutcomeDto, description: 'the recorded decisions, measured' }) actual!: RoutingOutcomeDto;
  @ApiProperty({ type: RoutingOutcomeDto, description: 'the replayed decisions under the proposal, measured by the same function' }) proposed!: RoutingOutcomeDto;
  @ApiProperty({ type: ReplayedDto }) replayed!: ReplayedDto;
}
