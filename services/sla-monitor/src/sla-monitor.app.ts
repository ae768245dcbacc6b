import { ServiceDefinition } from '@support/service-kit';
import { SLA_SCHEMA } from './persistence/sla.migrations';
import { SlaMonitorModule } from './sla.module';
import { SERVICE_NAME, SlaMonitorRuntime, startSlaMonitorRuntime } from './sla.providers';

export const slaMonitorService: ServiceDefinition<SlaMonitorRuntime> = {
  serviceName: SERVICE_NAME,
  port: 3003,
  schema: SLA_SCHEMA,
  startRuntime: startSlaMonitorRuntime,
  rootModule: (runtime, config) => SlaMonitorModule.register(runtime, config),
  openApi: { title: 'sla-monitor', version: '1.0', description: "Every deadline of the team's manuals as durable clocks: warnings, breaches, escalation." },
};
