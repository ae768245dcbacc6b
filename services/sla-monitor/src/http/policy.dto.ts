import { ApiProperty } from '@nestjs/swagger';
import { IsArray, IsObject } from 'class-validator';
import { CALENDAR_EXAMPLE, RULE_EXAMPLE } from './sla-answers.dto';

/** The whole policy; each rule and the calendar are checked field by field by the SLA domain. */
export class PolicyDto {
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'the SLA rules (see GET /v1/policies for their shape)', example: [RULE_EXAMPLE] })
  @IsArray()
  @IsObject({ each: true })
  rules!: Array<Record<string, unknown>>;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'time zone, working hours per weekday, holidays', example: CALENDAR_EXAMPLE })
  @IsObject()
  calendar!: Record<string, unknown>;
}
