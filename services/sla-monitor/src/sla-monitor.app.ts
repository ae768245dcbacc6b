import { ServiceDefinition } from '@support/service-kit';
import { SLA_SCHEMA } from './persistence/sla.migrations';
import { ClocksController } from './http/clocks.controller';
import { SimulationsController } from './http/simulations.controller';
import { SERVICE_NAME, SlaMonitorRuntime, startSlaMonitorRuntime } from './sla-monitor.providers';

export const slaMonitorService: ServiceDefinition<SlaMonitorRuntime> = {
  serviceName: SERVICE_NAME,
  port: 3003,
  schema: SLA_SCHEMA,
  startRuntime: startSlaMonitorRuntime,
  controllers: [ClocksController, SimulationsController],
  openApi: { title: 'sla-monitor', version: '1.0', description: "Every deadline of the team's manuals as durable clocks: warnings, breaches, escalation." },
};
