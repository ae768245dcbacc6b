import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsObject, ValidateNested } from 'class-validator';
import { URGENCIES } from '@support/contracts';
import { SimulationPeriodDto, SIMULATION_MAX_DAYS } from '@support/service-kit';
import { PolicyDto } from './policy.dto';
import { CALENDAR_EXAMPLE, RULE_EXAMPLE } from './sla-answers.dto';

// POST /v1/simulations: a whole SLA policy replayed over a past period in place of the one in force

const PROPOSED_RULE = { ...RULE_EXAMPLE, targetMinutes: { urgent: 20, normal: 45 } };

/** The period and the proposed policy (rules and calendar, checked field by field as PUT /v1/policies checks them). */
export class SlaSimulationDto extends SimulationPeriodDto {
  @ApiProperty({
    type: PolicyDto,
    description:
      'the whole SLA policy proposed in place of the one in force from `from` on: the same shape and checks as PUT /v1/policies (errors are named `policy.rules[i]…`, `policy.calendar.…`)',
    example: { rules: [PROPOSED_RULE], calendar: CALENDAR_EXAMPLE },
  })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => PolicyDto)
  policy!: PolicyDto;
}

export class SimulationPeriodAnswerDto {
  @ApiProperty({ format: 'date-time', example: '2026-03-01T16:00:00.000Z', description: 'first instant (inclusive), UTC' }) from!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-08T16:00:00.000Z', description: `end (exclusive), UTC; at most ${SIMULATION_MAX_DAYS} days after from` }) to!: string;
}

export class SlaProposalAnswerDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'the proposed policy as the domain normalised it (rules with their defaults, e.g. warnAtPercent)',
    example: { rules: [PROPOSED_RULE], calendar: CALENDAR_EXAMPLE },
  })
  policy!: Record<string, unknown>;
}

export class PercentilesDto {
  @ApiProperty({ example: 212, description: 'how many durations' }) count!: number;
  @ApiProperty({ type: Number, nullable: true, example: 18.5, description: 'nearest-rank median, minutes; null when count is 0' }) p50!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 41.25, description: 'nearest-rank 90th percentile, minutes; null when count is 0' }) p90!: number | null;
}

export class SlaRuleOutcomeDto {
  @ApiProperty({ example: 'first-contact' }) ruleId!: string;
  @ApiProperty({ enum: URGENCIES, nullable: true, example: 'urgent', description: "the clock's urgency; null for clocks without one (visits, sheets, analyses)" }) urgency!:
    string | null;
  @ApiProperty({ example: 61, description: 'clocks of the rule and urgency that started in [from, to)' }) clocks!: number;
  @ApiProperty({ example: 7, description: 'of them, breached by to (met late or still open)' }) breached!: number;
  @ApiProperty({ example: 52, description: 'of them, met within target by to' }) met!: number;
  @ApiProperty({ example: 12, description: 'of them, whose warning fired by to' }) warned!: number;
}

export class SlaOutcomeDto {
  @ApiProperty({ example: 248, description: 'clocks that started in [from, to)' }) clocks!: number;
  @ApiProperty({ example: 19, description: 'of them, breached by to' }) breached!: number;
  @ApiProperty({ example: 214, description: 'of them, met within target by to' }) met!: number;
  @ApiProperty({ type: [SlaRuleOutcomeDto], description: 'by rule id, then urgency (null first)' }) byRule!: SlaRuleOutcomeDto[];
  @ApiProperty({
    type: PercentilesDto,
    description: "time to first contact: wall-clock minutes from the start to the stop of the first-contact rule's clocks that started in the period and were met by to",
  })
  firstContact!: PercentilesDto;
  @ApiProperty({ example: 3, description: 'breaches that asked to escalate the ticket (an urgent ticket’s clock of a rule with onBreach escalate-if-urgent, breached by a tick)' })
  escalations!: number;
}

export class ReplayedDto {
  @ApiProperty({ example: 1480, description: 'input events replayed from from (up to and including to)' }) eventsInPeriod!: number;
  @ApiProperty({ example: 9120, description: 'input events replayed before from: the state carried into the period' }) eventsBefore!: number;
}

/** What the period's SLA clocks came to, as recorded and under the proposal. */
export class SlaSimulationAnswerDto {
  @ApiProperty({ example: 'sla-monitor' }) service!: string;
  @ApiProperty({ type: SimulationPeriodAnswerDto }) period!: SimulationPeriodAnswerDto;
  @ApiProperty({ type: SlaProposalAnswerDto }) proposal!: SlaProposalAnswerDto;
  @ApiProperty({
    type: [String],
    description: 'what the replay assumed where the record cannot tell, in plain sentences',
    example: [
      'People act at the recorded times under any policy: a contact, a resolution, a visit or a sheet happens when it did, whoever works the ticket and whatever the clocks say.',
    ],
  })
  assumptions!: string[];
  @ApiProperty({ type: SlaOutcomeDto, description: 'from the clocks the monitor recorded, as they stood at to' }) actual!: SlaOutcomeDto;
  @ApiProperty({ type: SlaOutcomeDto, description: 'from the replay with the proposal, by the same function' }) proposed!: SlaOutcomeDto;
  @ApiProperty({ type: ReplayedDto }) replayed!: ReplayedDto;
}
