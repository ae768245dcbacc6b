import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDefined, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { SERVICE_KINDS, SERVICE_RESULTS, ServiceKind, ServiceResult } from '@support/contracts';

const TEXT = 10_000;

export class SheetCustomerDto {
  @ApiProperty({ example: '王女士' }) @IsString() @IsNotEmpty() @MaxLength(200) name!: string;
  @ApiProperty({ example: '+86 138 0013 8000', description: 'phone or WeChat id' }) @IsString() @IsNotEmpty() @MaxLength(200) contact!: string;
}

export class PartUsedDto {
  @ApiProperty({ example: '电源适配器 65W' }) @IsString() @IsNotEmpty() @MaxLength(200) name!: string;
  @ApiProperty({ example: 1 }) @IsInt() @Min(1) @Max(10_000) quantity!: number;
}

export class SheetContentsDto {
  @ApiProperty({ type: SheetCustomerDto }) @IsDefined() @IsObject() @ValidateNested() @Type(() => SheetCustomerDto) customer!: SheetCustomerDto;
  @ApiProperty({ example: 'Dell XPS 15 9520' }) @IsString() @IsNotEmpty() @MaxLength(200) device!: string;
  @ApiProperty({ example: '开机蓝屏' }) @IsString() @IsNotEmpty() @MaxLength(TEXT) problem!: string;
  @ApiProperty({ example: '显卡驱动冲突' }) @IsString() @IsNotEmpty() @MaxLength(TEXT) diagnosis!: string;
  @ApiProperty({ example: '回退显卡驱动并关闭自动更新' }) @IsString() @IsNotEmpty() @MaxLength(TEXT) workDone!: string;
  @ApiProperty({ type: [PartUsedDto] }) @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => PartUsedDto) partsUsed!: PartUsedDto[];
  @ApiProperty({ example: 25 }) @IsInt() @Min(0) @Max(100_000) timeSpentMinutes!: number;
  @ApiProperty({ enum: SERVICE_RESULTS }) @IsIn(SERVICE_RESULTS) result!: ServiceResult;
}

export class DraftSheetDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() ticketId!: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'the visit, for an on-site sheet' }) @IsOptional() @IsUUID() visitId?: string;
  @ApiProperty({ enum: SERVICE_KINDS }) @IsIn(SERVICE_KINDS) kind!: ServiceKind;
  @ApiProperty({ type: SheetContentsDto }) @IsDefined() @IsObject() @ValidateNested() @Type(() => SheetContentsDto) contents!: SheetContentsDto;
}

export class ReviseSheetDto {
  @ApiProperty({ type: SheetContentsDto }) @IsDefined() @IsObject() @ValidateNested() @Type(() => SheetContentsDto) contents!: SheetContentsDto;
}

export class ApproveSheetDto {
  @ApiPropertyOptional({ example: '记录完整' }) @IsOptional() @IsString() @MaxLength(TEXT) note?: string;
}

export class RejectSheetDto {
  @ApiProperty({ example: '缺少客户签名' }) @IsString() @IsNotEmpty() @MaxLength(TEXT) reason!: string;
}

/** plain data out of a validated DTO (class instances would reach the event store otherwise) */
export function contentsOf(dto: SheetContentsDto) {
  return {
    customer: { name: dto.customer.name, contact: dto.customer.contact },
    device: dto.device,
    problem: dto.problem,
    diagnosis: dto.diagnosis,
    workDone: dto.workDone,
    partsUsed: dto.partsUsed.map((part) => ({ name: part.name, quantity: part.quantity })),
    timeSpentMinutes: dto.timeSpentMinutes,
    result: dto.result,
  };
}
