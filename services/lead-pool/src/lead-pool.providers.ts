import { PlatformRuntime, PlatformSettings, startPlatform } from '@support/service-kit';
import { LeadAllocator } from './application/lead-allocator';
import { LeadPoolAggregates } from './application/lead-pool.aggregates';
import { LeadService } from './application/lead.service';
import { RatioPolicyService } from './application/ratio-policy.service';
import { LeadPoolModule } from './lead-pool.module';
import { leadPoolMigrations } from './persistence/lead-pool.migrations';
import { LeadPoolRepository } from './persistence/lead-pool.repository';

export const SERVICE_NAME = 'lead-pool';

export interface LeadPoolSettings extends PlatformSettings {
  /** how often the allocator takes back expired allocations and hands out pooled leads; null: never by itself (tests call runDue) */
  tickIntervalMs?: number | null;
}

export interface LeadPoolRuntime extends PlatformRuntime {
  leads: LeadService;
  policy: RatioPolicyService;
  allocator: LeadAllocator;
  repository: LeadPoolRepository;
  aggregates: LeadPoolAggregates;
}

/** Lead-pool on the support platform: Nest builds it from {@link LeadPoolModule}; these are its parts tests reach for. */
export async function startLeadPoolRuntime(settings: LeadPoolSettings, onError: (error: unknown) => void): Promise<LeadPoolRuntime> {
  const platform = await startPlatform(LeadPoolModule, { service: SERVICE_NAME, settings, onError, migrations: leadPoolMigrations });
  const { context } = platform;
  return {
    ...platform,
    leads: context.get(LeadService),
    policy: context.get(RatioPolicyService),
    allocator: context.get(LeadAllocator),
    repository: context.get(LeadPoolRepository),
    aggregates: context.get(LeadPoolAggregates),
  };
}
