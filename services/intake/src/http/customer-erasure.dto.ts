import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class CustomerErasureDto {
  @ApiProperty({ example: 'the customer asked to be forgotten', description: 'why; recorded in support.customer.erased.v1' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason!: string;
}
