import { DynamicModule, Module } from '@nestjs/common';
import { kafkaProbe } from '@support/messaging';
import { postgresProbe, ServiceConfig, ServiceKitModule } from '@support/service-kit';
import { ClocksController } from './http/clocks.controller';
import { SLA_RUNTIME, SlaMonitorRuntime } from './sla.providers';

@Module({})
export class SlaMonitorModule {
  static register(runtime: SlaMonitorRuntime, config: ServiceConfig): DynamicModule {
    return {
      module: SlaMonitorModule,
      imports: [ServiceKitModule.forRoot({ config, readiness: { probes: [postgresProbe(runtime.dataSource), kafkaProbe(runtime.kafka)] } })],
      controllers: [ClocksController],
      providers: [{ provide: SLA_RUNTIME, useValue: runtime }],
    };
  }
}
