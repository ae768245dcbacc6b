import { Subject } from 'rxjs';
import { Clock } from '@support/contracts';
import { CLOCK, PlatformRuntime, PlatformSettings, startPlatform } from '@support/service-kit';
import { DashboardProjections, ProjectionChanges, TEAM_TIME_ZONE_TOKEN } from './application/dashboard-projections';
import { ProjectionChange } from './projections/dashboard.projector';
import { DashboardModule } from './dashboard.module';
import { dashboardMigrations } from './persistence/dashboard.migrations';
import { DashboardTables, PROJECTION_TABLES } from './persistence/dashboard.tables';
import type { WhatIfServices } from './application/what-if.settings';

export const SERVICE_NAME = 'dashboard';

export interface DashboardSettings extends PlatformSettings {
  /** the team's IANA time zone: its reporting weeks and the page's times (default Asia/Shanghai) */
  timeZone?: string;
  /** where the services that simulate each part of a what-if answer (default: this host's default ports) */
  whatIfServices?: WhatIfServices;
}

export interface DashboardRuntime extends PlatformRuntime {
  tables: DashboardTables;
  clock: Clock;
  /** the team's IANA time zone: its reporting weeks and the page's times */
  timeZone: string;
  /** every projection change, for the live page */
  changes: Subject<ProjectionChange>;
  projections: DashboardProjections;
}

/** The dashboard reads every topic and writes only its projections: it publishes nothing, so it has no outbox. */
export async function startDashboardRuntime(settings: DashboardSettings, onError: (error: unknown) => void): Promise<DashboardRuntime> {
  const platform = await startPlatform(DashboardModule, {
    service: SERVICE_NAME,
    settings,
    onError,
    migrations: dashboardMigrations,
    truncatable: PROJECTION_TABLES,
    outbox: false,
    // the timelines keep personal values sealed, as published: opened for those who read them
    keyring: 'open',
  });
  const { context } = platform;
  return {
    ...platform,
    tables: context.get(DashboardTables),
    clock: context.get<Clock>(CLOCK),
    timeZone: context.get<string>(TEAM_TIME_ZONE_TOKEN),
    changes: context.get(ProjectionChanges),
    projections: context.get(DashboardProjections),
  };
}
