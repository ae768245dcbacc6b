import { ServiceDefinition } from '@support/service-kit';
import { LeadController } from './http/lead.controller';
import { LeadSimulationController } from './http/lead-simulation.controller';
import { LeadPoolRuntime, SERVICE_NAME, startLeadPoolRuntime } from './lead-pool.providers';
import { LEAD_POOL_SCHEMA } from './persistence/lead-pool.migrations';

export const leadPoolService: ServiceDefinition<LeadPoolRuntime> = {
  serviceName: SERVICE_NAME,
  port: 3006,
  schema: LEAD_POOL_SCHEMA,
  startRuntime: startLeadPoolRuntime,
  controllers: [LeadController, LeadSimulationController],
  openApi: {
    title: 'lead-pool',
    version: '1.0',
    description:
      'Every lead pooled and shared by the preset ratios: capture (REST and webhook), allocation, accept / decline / timeout, conversion into a ticket, the weekly ledger, hoarding flags, and what-if simulations of proposed ratios over a past period.',
  },
};
