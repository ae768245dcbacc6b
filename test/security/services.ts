import { DynamicModule } from '@nestjs/common';
import { applicationModule, ServiceConfig, ServiceDefinition, ServiceRuntime } from '@support/service-kit';
import { dashboardService } from '../../services/dashboard/src/dashboard.app';
import { fieldService } from '../../services/field-service/src/field-service.app';
import { intakeService } from '../../services/intake/src/intake.app';
import { knowledgeBaseService } from '../../services/knowledge-base/src/knowledge-base.app';
import { leadPoolService } from '../../services/lead-pool/src/lead-pool.app';
import { routingService } from '../../services/routing/src/routing.app';
import { slaMonitorService } from '../../services/sla-monitor/src/sla-monitor.app';
import { RouteAccess, routesOfModule } from './route-metadata';

/** Every service, in the order of API.md's port table. */
export const SERVICES: ReadonlyArray<ServiceDefinition<ServiceRuntime>> = [
  dashboardService,
  intakeService,
  routingService,
  slaMonitorService,
  fieldService,
  knowledgeBaseService,
  leadPoolService,
] as ReadonlyArray<ServiceDefinition<ServiceRuntime>>;

/** The routes of a service, read off the module its app serves. */
export function serviceRoutes(definition: ServiceDefinition<ServiceRuntime>): RouteAccess[] {
  return routesOfModule(serviceModule(definition));
}

/**
 * The root module a service's app serves. Building it only wires values together (nothing
 * connects), so a stand-in runtime and configuration are enough.
 */
export function serviceModule(definition: ServiceDefinition<ServiceRuntime>): DynamicModule {
  const config: ServiceConfig = {
    serviceName: definition.serviceName,
    port: definition.port,
    databaseUrl: 'postgres://unused',
    kafka: { brokers: ['unused:9092'] },
    logLevel: 'silent',
    auth: { jwtSecret: 'route-metadata-only-never-verifies-a-token' },
  };
  return applicationModule(definition, {} as ServiceRuntime, config);
}
