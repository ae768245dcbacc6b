import { DynamicModule, Module } from '@nestjs/common';
import { kafkaProbe } from '@support/messaging';
import { postgresProbe, ServiceConfig, ServiceKitModule } from '@support/service-kit';
import { DASHBOARD_RUNTIME, DashboardRuntime } from './dashboard.providers';
import { DashboardController } from './http/dashboard.controller';

@Module({})
export class DashboardModule {
  static register(runtime: DashboardRuntime, config: ServiceConfig): DynamicModule {
    return {
      module: DashboardModule,
      imports: [ServiceKitModule.forRoot({ config, readiness: { probes: [postgresProbe(runtime.dataSource), kafkaProbe(runtime.kafka)] } })],
      controllers: [DashboardController],
      providers: [{ provide: DASHBOARD_RUNTIME, useValue: runtime }],
    };
  }
}
