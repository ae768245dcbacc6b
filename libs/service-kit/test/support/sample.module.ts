import { Body, Controller, Delete, DynamicModule, Get, Module, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Actor, ROLES } from '@support/contracts';
import { Type } from 'class-transformer';
import { IsIn, IsNotEmpty, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { CurrentActor, HealthAsyncOptions, HealthOptions, Public, Roles, ServiceConfig, ServiceKitModule } from '../../src';

export class CustomerDto {
  @IsString()
  name!: string;

  @IsOptional()
  @IsString()
  phone?: string;
}

export class OpenThingDto {
  @IsString()
  @IsNotEmpty()
  title!: string;

  // ValidateNested alone lets a missing object through
  @IsObject()
  @ValidateNested()
  @Type(() => CustomerDto)
  customer!: CustomerDto;

  @IsIn(['urgent', 'normal'])
  urgency!: 'urgent' | 'normal';
}

/** One controller exercising every kind of route the kit guards. */
@ApiTags('things')
// every role by default, narrowed where a route says so
@Roles(...ROLES)
@Controller('v1/things')
export class ThingController {
  @Post()
  open(@Body() dto: OpenThingDto, @CurrentActor() actor: Actor) {
    return { title: dto.title, customer: dto.customer, isDto: dto instanceof OpenThingDto, openedBy: actor };
  }

  @Post(':id/approval')
  @Roles('lead')
  approve(@Param('id') id: string, @CurrentActor() actor: Actor) {
    return { id, approvedBy: actor.id };
  }

  @Public()
  @Get('ping')
  ping(@CurrentActor() actor: Actor | undefined) {
    return { pong: true, actor: actor ?? null };
  }

  // a public write, like a partner's webhook
  @Public()
  @Post('webhook')
  webhook() {
    return { received: true };
  }

  @Get('boom')
  boom(): never {
    throw new Error('secret detail: password=hunter2');
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return { id };
  }

  @Put(':id')
  replace(@Param('id') id: string) {
    return { id, replaced: true };
  }

  @Patch(':id')
  change(@Param('id') id: string) {
    return { id, changed: true };
  }

  @Delete(':id')
  remove(@Param('id') id: string) {
    return { id, removed: true };
  }
}

/** The sample root module, built the way a service builds its own. */
@Module({})
export class SampleModule {
  static register(config: ServiceConfig, readiness: HealthOptions | HealthAsyncOptions): DynamicModule {
    return { module: SampleModule, imports: [ServiceKitModule.forRoot({ config, readiness })], controllers: [ThingController] };
  }
}
