import { ServiceDefinition } from '@support/service-kit';
import { AssignmentController } from './http/assignment.controller';
import { RosterController } from './http/roster.controller';
import { SimulationController } from './http/simulation.controller';
import { RoutingRuntime, SERVICE_NAME, startRoutingRuntime } from './routing.providers';
import { ROUTING_SCHEMA } from './persistence/routing.migrations';

export const routingService: ServiceDefinition<RoutingRuntime> = {
  serviceName: SERVICE_NAME,
  port: 3002,
  schema: ROUTING_SCHEMA,
  startRuntime: startRoutingRuntime,
  controllers: [RosterController, AssignmentController, SimulationController],
  openApi: { title: 'routing', version: '1.0', description: 'The roster, automatic and manual assignment, the escalation chain L1 -> L2 -> L3.' },
};
