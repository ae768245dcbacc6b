import { DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { kafkaProbe } from '@support/messaging';
import { postgresProbe, ServiceConfig, ServiceKitModule } from '@support/service-kit';
import { LeadService } from './application/lead.service';
import { RatioPolicyService } from './application/ratio-policy.service';
import { LeadController } from './http/lead.controller';
import { LeadPoolRuntime } from './lead-pool.providers';
import { LeadPoolRepository } from './persistence/lead-pool.repository';

@Module({})
export class LeadPoolModule {
  static register(runtime: LeadPoolRuntime, config: ServiceConfig): DynamicModule {
    return {
      module: LeadPoolModule,
      imports: [ServiceKitModule.forRoot({ config, readiness: { probes: [postgresProbe(runtime.dataSource), kafkaProbe(runtime.kafka)] } })],
      controllers: [LeadController],
      providers: [
        { provide: DataSource, useValue: runtime.dataSource },
        { provide: LeadService, useValue: runtime.leads },
        { provide: RatioPolicyService, useValue: runtime.policy },
        { provide: LeadPoolRepository, useValue: runtime.repository },
      ],
    };
  }
}
