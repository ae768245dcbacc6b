import { DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { kafkaProbe } from '@support/messaging';
import { postgresProbe, ServiceConfig, ServiceKitModule } from '@support/service-kit';
import { RosterService } from './application/roster.service';
import { RoutingEngine } from './application/routing-engine';
import { RoutingQueries } from './application/routing-queries';
import { AssignmentController } from './http/assignment.controller';
import { RosterController } from './http/roster.controller';
import { RoutingRuntime } from './routing.providers';

@Module({})
export class RoutingModule {
  static register(runtime: RoutingRuntime, config: ServiceConfig): DynamicModule {
    return {
      module: RoutingModule,
      imports: [ServiceKitModule.forRoot({ config, readiness: { probes: [postgresProbe(runtime.dataSource), kafkaProbe(runtime.kafka)] } })],
      controllers: [RosterController, AssignmentController],
      providers: [
        { provide: DataSource, useValue: runtime.dataSource },
        { provide: RoutingEngine, useValue: runtime.engine },
        { provide: RosterService, useValue: runtime.roster },
        { provide: RoutingQueries, useValue: runtime.queries },
      ],
    };
  }
}
