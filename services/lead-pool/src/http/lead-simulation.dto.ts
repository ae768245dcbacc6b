import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, ValidateNested } from 'class-validator';
import { SimulationPeriodDto } from '@support/service-kit';
import { RatioDto } from './lead.dto';

/** A what-if of the pool: the preset ratios proposed from `from`, over the period `[from, to)`. */
export class RatiosSimulationDto extends SimulationPeriodDto {
  @ApiProperty({
    type: [RatioDto],
    description: 'the ratios proposed from `from` on: as PUT /v1/ratios takes them (members of the roster, no contractors, each once, weights 1 to 1000)',
    example: [
      { memberId: 'm-agent-wang', weight: 2 },
      { memberId: 'm-agent-liu', weight: 1 },
      { memberId: 'm-senior-li', weight: 1 },
    ],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => RatioDto)
  ratios!: RatioDto[];
}

/** One member's line over the period. */
export class MemberOutcomeDto {
  @ApiProperty({ example: 'm-agent-wang' }) memberId!: string;
  @ApiProperty({ example: 2, description: "the member's weight in the ratios in force at the period's end (0 when not in them)" }) weight!: number;
  @ApiProperty({ example: 4, description: 'leads captured in the period that the member brought in' }) contributed!: number;
  @ApiProperty({ example: 5, description: "of the period's leads, those allocated to the member and not taken back (declined, timed out)" }) received!: number;
  @ApiProperty({
    example: 5,
    description: "the member's exact share of those allocations, each under the ratios it was made under: allocated × weight / total weight under one set of ratios (2 decimals)",
  })
  exactShare!: number;
  @ApiProperty({ example: 0, description: 'received - exactShare (2 decimals)' }) deviation!: number;
}

/** The pool's outcome of a period: the leads captured in `[from, to)`, as the period's end leaves them. */
export class LeadOutcomeDto {
  @ApiProperty({ example: 10, description: 'leads captured in the period' }) captured!: number;
  @ApiProperty({ example: 10, description: "the period's leads held by a member at its end (allocated, accepted, converted, or lost while held)" }) allocated!: number;
  @ApiProperty({ example: 0, description: "the period's leads still pooled at its end" }) waiting!: number;
  @ApiProperty({ type: [MemberOutcomeDto], description: 'by member id' }) members!: MemberOutcomeDto[];
  @ApiProperty({ example: 0, description: "the largest |received - exactShare| over the members at the period's end" }) largestDeviation!: number;
  @ApiProperty({ example: 0.5, description: "the same, the worst after any of the period's allocations and returns, in order" }) largestDeviationAtAnyPrefix!: number;
}

export class SimulationPeriodAnswerDto {
  @ApiProperty({ format: 'date-time', example: '2026-03-01T16:00:00.000Z' }) from!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-08T16:00:00.000Z' }) to!: string;
}

export class RatiosProposalDto {
  @ApiProperty({ type: [RatioDto], description: 'the ratios replayed from `from`' }) ratios!: RatioDto[];
}

export class SimulationReplayedDto {
  @ApiProperty({ example: 42, description: 'recorded events read in the period' }) eventsInPeriod!: number;
  @ApiProperty({ example: 17, description: 'recorded events read before it (the state carried in)' }) eventsBefore!: number;
}

/** Actual and proposed side by side: the same outcome function over the record and over the replay. */
export class LeadSimulationAnswerDto {
  @ApiProperty({ example: 'lead-pool' }) service!: string;
  @ApiProperty({ type: SimulationPeriodAnswerDto }) period!: SimulationPeriodAnswerDto;
  @ApiProperty({ type: RatiosProposalDto }) proposal!: RatiosProposalDto;
  @ApiProperty({
    type: [String],
    description: 'what the replay assumed where the record cannot tell',
    example: ['Members respond at their recorded times whoever holds the lead.'],
  })
  assumptions!: string[];
  @ApiProperty({ type: LeadOutcomeDto, description: 'what the record shows' }) actual!: LeadOutcomeDto;
  @ApiProperty({ type: LeadOutcomeDto, description: 'what the replay with the proposal gives' }) proposed!: LeadOutcomeDto;
  @ApiProperty({ type: SimulationReplayedDto }) replayed!: SimulationReplayedDto;
}
