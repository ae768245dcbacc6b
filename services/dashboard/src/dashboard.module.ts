import { Module } from '@nestjs/common';
import { PLATFORM_SETTINGS, schemaBound } from '@support/service-kit';
import { DashboardProjections, ProjectionChanges, TEAM_TIME_ZONE_TOKEN, teamTimeZoneOf } from './application/dashboard-projections';
import { DashboardAsOf } from './application/dashboard-as-of';
import { DashboardProjector, PROJECTION_CHANGED, ProjectionChange } from './projections/dashboard.projector';
import { DashboardTables } from './persistence/dashboard.tables';

/** The dashboard's own providers and projector, on the support platform's (database, consumers, clock; no outbox). */
@Module({
  providers: [
    ...schemaBound(DashboardTables),
    ProjectionChanges,
    DashboardProjections,
    DashboardAsOf,
    { provide: PROJECTION_CHANGED, inject: [ProjectionChanges], useFactory: (changes: ProjectionChanges) => (change: ProjectionChange) => changes.next(change) },
    { provide: TEAM_TIME_ZONE_TOKEN, inject: [PLATFORM_SETTINGS], useFactory: teamTimeZoneOf },
  ],
  controllers: [DashboardProjector],
  exports: [DashboardTables, ProjectionChanges, DashboardProjections, DashboardAsOf, TEAM_TIME_ZONE_TOKEN],
})
export class DashboardModule {}
