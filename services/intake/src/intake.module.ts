import { DynamicModule, Module } from '@nestjs/common';
import { kafkaProbe } from '@support/messaging';
import { postgresProbe, ServiceConfig, ServiceKitModule } from '@support/service-kit';
import { CustomerErasure } from './application/customer-erasure.service';
import { TicketCommands } from './application/ticket-commands.service';
import { TicketQueries } from './application/ticket-queries.service';
import { CustomerController } from './http/customer.controller';
import { TicketController } from './http/ticket.controller';
import { IntakeRuntime } from './intake.providers';

@Module({})
export class IntakeModule {
  static register(runtime: IntakeRuntime, config: ServiceConfig): DynamicModule {
    return {
      module: IntakeModule,
      imports: [ServiceKitModule.forRoot({ config, readiness: { probes: [postgresProbe(runtime.dataSource), kafkaProbe(runtime.kafka)] } })],
      controllers: [TicketController, CustomerController],
      providers: [
        { provide: TicketCommands, useValue: runtime.commands },
        { provide: TicketQueries, useValue: runtime.queries },
        { provide: CustomerErasure, useValue: runtime.erasure },
      ],
    };
  }
}
