import { ServiceDefinition } from '@support/service-kit';
import { DashboardModule } from './dashboard.module';
import { DashboardRuntime, SERVICE_NAME, startDashboardRuntime } from './dashboard.providers';
import { DASHBOARD_SCHEMA } from './persistence/dashboard.migrations';

export const dashboardService: ServiceDefinition<DashboardRuntime> = {
  serviceName: SERVICE_NAME,
  port: 3000,
  schema: DASHBOARD_SCHEMA,
  startRuntime: startDashboardRuntime,
  rootModule: (runtime, config) => DashboardModule.register(runtime, config),
  openApi: { title: 'dashboard', version: '1.0', description: 'Projections of every topic: the live queue, the SLA board, customer timelines, weekly KPIs and the weekly report; live changes as server-sent events; a web page at /.' },
};
