import { ApiProperty } from '@nestjs/swagger';
import { IsArray, IsObject } from 'class-validator';

/** The whole policy; each rule and the calendar are checked field by field by the SLA domain. */
export class PolicyDto {
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'the SLA rules (see GET /v1/policies for their shape)' })
  @IsArray()
  @IsObject({ each: true })
  rules!: Array<Record<string, unknown>>;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'time zone, working hours per weekday, holidays' })
  @IsObject()
  calendar!: Record<string, unknown>;
}
