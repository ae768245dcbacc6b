import { Module } from '@nestjs/common';
import { PLATFORM_SETTINGS, schemaBound } from '@support/service-kit';
import { DashboardProjections, ProjectionChanges, TEAM_TIME_ZONE_TOKEN, teamTimeZoneOf } from './application/dashboard-projections';
import { DashboardAsOf } from './application/dashboard-as-of';
import { DashboardProjector, PROJECTION_CHANGED, ProjectionChange } from './projections/dashboard.projector';
import { DashboardTables } from './persistence/dashboard.tables';
import { WHAT_IF_SERVICES, WhatIf } from './application/what-if.service';
import { whatIfServicesOf } from './application/what-if.settings';

/** The dashboard's own providers and projector, on the support platform's (database, consumers, clock; no outbox). */
@Module({
  providers: [
    ...schemaBound(DashboardTables),
    ProjectionChanges,
    DashboardProjections,
    DashboardAsOf,
    WhatIf,
    // the services that simulate each part of a what-if (SLA_MONITOR_URL, ROUTING_URL, LEAD_POOL_URL)
    { provide: WHAT_IF_SERVICES, inject: [PLATFORM_SETTINGS], useFactory: whatIfServicesOf },
    { provide: PROJECTION_CHANGED, inject: [ProjectionChanges], useFactory: (changes: ProjectionChanges) => (change: ProjectionChange) => changes.next(change) },
    { provide: TEAM_TIME_ZONE_TOKEN, inject: [PLATFORM_SETTINGS], useFactory: teamTimeZoneOf },
  ],
  controllers: [DashboardProjector],
  exports: [DashboardTables, ProjectionChanges, DashboardProjections, DashboardAsOf, WhatIf, TEAM_TIME_ZONE_TOKEN],
})
export class DashboardModule {}
