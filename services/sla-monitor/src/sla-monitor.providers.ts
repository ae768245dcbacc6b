import { Clock } from '@support/contracts';
import { AppendPipeline } from '@support/command-handling';
import { EventStore } from '@support/event-store';
import { CLOCK, PlatformRuntime, PlatformSettings, startPlatform } from '@support/service-kit';
import { SlaMonitor, SlaSettings } from './application/sla-monitor.service';
import { SlaPolicyService } from './application/sla-policy.service';
import { ClockRepository } from './persistence/clock.repository';
import { slaMigrations } from './persistence/sla.migrations';
import { SlaMonitorModule } from './sla-monitor.module';

export const SERVICE_NAME = 'sla-monitor';

export interface SlaMonitorSettings extends PlatformSettings {
  /** how often the scheduler looks for due clocks; null: never by itself (tests call runDue) */
  tickIntervalMs?: number | null;
}

export interface SlaMonitorRuntime extends PlatformRuntime {
  monitor: SlaMonitor;
  store: EventStore;
  /** every append of the service: the event store, then the outbox */
  pipeline: AppendPipeline;
  clocks: ClockRepository;
  settings: () => SlaSettings;
  policy: SlaPolicyService;
  clock: Clock;
}

/** Sla-monitor on the support platform: Nest builds it from {@link SlaMonitorModule}; these are its parts tests reach for. */
export async function startSlaMonitorRuntime(settings: SlaMonitorSettings, onError: (error: unknown) => void): Promise<SlaMonitorRuntime> {
  const platform = await startPlatform(SlaMonitorModule, { service: SERVICE_NAME, settings, onError, migrations: slaMigrations });
  const { context } = platform;
  const policy = context.get(SlaPolicyService);
  return {
    ...platform,
    monitor: context.get(SlaMonitor),
    store: context.get(EventStore),
    pipeline: context.get(AppendPipeline),
    clocks: context.get(ClockRepository),
    settings: () => policy.settings(),
    policy,
    clock: context.get<Clock>(CLOCK),
  };
}
