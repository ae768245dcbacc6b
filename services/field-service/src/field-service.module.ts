import { DynamicModule, Module } from '@nestjs/common';
import { kafkaProbe } from '@support/messaging';
import { postgresProbe, ServiceConfig, ServiceKitModule } from '@support/service-kit';
import { SheetService } from './application/sheet.service';
import { VisitService } from './application/visit.service';
import { FieldServiceRuntime } from './field-service.providers';
import { SheetController } from './http/sheet.controller';
import { TechnicianController } from './http/technician.controller';
import { VisitController } from './http/visit.controller';

@Module({})
export class FieldServiceModule {
  static register(runtime: FieldServiceRuntime, config: ServiceConfig): DynamicModule {
    return {
      module: FieldServiceModule,
      imports: [ServiceKitModule.forRoot({ config, readiness: { probes: [postgresProbe(runtime.dataSource), kafkaProbe(runtime.kafka)] } })],
      controllers: [VisitController, SheetController, TechnicianController],
      providers: [
        { provide: VisitService, useValue: runtime.visits },
        { provide: SheetService, useValue: runtime.sheets },
      ],
    };
  }
}
