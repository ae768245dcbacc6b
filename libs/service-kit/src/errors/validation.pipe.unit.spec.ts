import { ArgumentMetadata, BadRequestException } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsObject, IsString, Min, ValidateNested } from 'class-validator';
import { createValidationPipe } from './validation.pipe';

class LineDto {
  @IsString()
  sku!: string;

  @IsInt()
  @Min(1)
  quantity!: number;
}

class AddressDto {
  @IsString()
  city!: string;
}

class OrderDto {
  @IsObject()
  @ValidateNested()
  @Type(() => AddressDto)
  address!: AddressDto;

  @ValidateNested({ each: true })
  @Type(() => LineDto)
  lines!: LineDto[];
}

const body: ArgumentMetadata = { type: 'body', metatype: OrderDto };

async function messagesFor(value: unknown): Promise<string[]> {
  try {
    await createValidationPipe().transform(value, body);
  } catch (err) {
    if (err instanceof BadRequestException) return (err.getResponse() as { message: string[] }).message;
    throw err;
  }
  throw new Error('expected a BadRequestException');
}

describe('createValidationPipe', () => {
  it('names nested and array fields by their full path', async () => {
    expect(
      await messagesFor({
        address: { city: 1, zip: '1' },
        lines: [
          { sku: 'a', quantity: 1 },
          { sku: 2, quantity: 0 },
        ],
      }),
    ).toEqual(['property address.zip should not exist', 'address.city must be a string', 'lines.1.sku must be a string', 'lines.1.quantity must not be less than 1']);
  });

  it('returns a DTO instance when valid', async () => {
    const dto = await createValidationPipe().transform({ address: { city: 'Shanghai' }, lines: [] }, body);
    expect(dto).toBeInstanceOf(OrderDto);
    expect(dto.address).toBeInstanceOf(AddressDto);
  });

  it('answers with the error shape', async () => {
    const error = await createValidationPipe()
      .transform({ lines: [] }, body)
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(BadRequestException);
    expect((error as BadRequestException).getResponse()).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: ['address must be an object'],
    });
  });
});
