import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional } from 'class-validator';
import { SimulationPeriodDto } from '@support/service-kit';

/** A what-if proposal: the period, and the parts to simulate, each the owning service's proposal as its own route takes it. */
export class WhatIfDto extends SimulationPeriodDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: "an SLA policy to replay instead of the one in force: sla-monitor's POST /v1/simulations body without from and to",
    example: { policy: { rules: [{ id: 'first-contact', targets: { urgent: 20, normal: 60 } }], calendar: { timeZone: 'Asia/Shanghai' } } },
  })
  @IsOptional()
  @IsObject()
  sla?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: "changes to the roster (capacities, duty, tiers, skills, whitelists) and members added from `from`: routing's POST /v1/simulations body without from and to",
    example: { roster: { members: [{ memberId: 'agent-2', capacity: 8 }] } },
  })
  @IsOptional()
  @IsObject()
  routing?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: "lead ratios to replay instead of the preset ones: lead-pool's POST /v1/simulations body without from and to",
    example: {
      ratios: [
        { memberId: 'agent-1', weight: 2 },
        { memberId: 'agent-2', weight: 1 },
        { memberId: 'senior-1', weight: 1 },
      ],
    },
  })
  @IsOptional()
  @IsObject()
  leads?: Record<string, unknown>;
}

export class ComparisonRowDto {
  @ApiProperty({ enum: ['sla', 'routing', 'leads'], example: 'sla' }) part!: string;
  @ApiProperty({ example: 'byRule[first-contact/urgent].breached', description: "where the figure sits in the part's outcome" }) measure!: string;
  @ApiProperty({ type: 'number', nullable: true, example: 12 }) actual!: number | null;
  @ApiProperty({ type: 'number', nullable: true, example: 4 }) proposed!: number | null;
  @ApiProperty({ type: 'number', nullable: true, example: -8, description: 'proposed - actual' }) change!: number | null;
}

export class PartAssumptionDto {
  @ApiProperty({ enum: ['sla', 'routing', 'leads'], example: 'routing' }) part!: string;
  @ApiProperty({ example: "every ticket's later life (contact, resolution, close) happens at its recorded time, whoever works it" }) text!: string;
}

export class WhatIfAnswerDto {
  @ApiProperty({ example: { from: '2026-03-02T00:00:00.000Z', to: '2026-03-09T00:00:00.000Z' } }) period!: { from: string; to: string };
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "each part's service's own answer (service, period, proposal, assumptions, actual, proposed, replayed): see its POST /v1/simulations",
  })
  parts!: Record<string, unknown>;
  @ApiProperty({ type: [ComparisonRowDto], description: 'every figure of every part, actual against proposed' }) comparison!: ComparisonRowDto[];
  @ApiProperty({ type: [PartAssumptionDto], description: 'what each replay assumed where the record cannot tell' }) assumptions!: PartAssumptionDto[];
}
