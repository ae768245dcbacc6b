import { ServiceDefinition } from '@support/service-kit';
import { teamTimeZoneFrom } from './dashboard.config';
import { whatIfServicesFrom } from './application/what-if.settings';
import { WhatIfController } from './http/what-if.controller';
import { DashboardController } from './http/dashboard.controller';
import { TrendsController } from './http/trends.controller';
import { DashboardRuntime, SERVICE_NAME, startDashboardRuntime } from './dashboard.providers';
import { DASHBOARD_SCHEMA } from './persistence/dashboard.migrations';

export const dashboardService: ServiceDefinition<DashboardRuntime> = {
  serviceName: SERVICE_NAME,
  port: 3000,
  schema: DASHBOARD_SCHEMA,
  // the team's time zone from TEAM_TIME_ZONE and the what-if services from their URLs, unless the caller (a test) gives them
  startRuntime: (settings, onError) => startDashboardRuntime({ timeZone: teamTimeZoneFrom(process.env), whatIfServices: whatIfServicesFrom(process.env), ...settings }, onError),
  controllers: [DashboardController, TrendsController, WhatIfController],
  openApi: {
    title: 'dashboard',
    version: '1.0',
    description:
      'Projections of every topic: the live queue, the SLA board, customer timelines, weekly KPIs and the weekly report (JSON, CSV), the team (names, time zone), the leads waiting in the pool, trends (rates and SLA compliance per week, queue depth per hour, breaches per day); what-if simulations combined from the services that own each part; live changes as server-sent events; a web page at /.',
  },
};
