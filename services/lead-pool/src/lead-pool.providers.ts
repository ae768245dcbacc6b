import { NewEvent } from '@support/contracts';
import { PlatformRuntime, PlatformSettings, startPlatform } from '@support/service-kit';
import { LeadAllocator } from './application/lead-allocator';
import { LeadPoolAggregates } from './application/lead-pool.aggregates';
import { LeadService } from './application/lead.service';
import { LeadSimulationService } from './application/lead-simulation.service';
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
  simulations: LeadSimulationService;
}

/** Lead-pool on the support platform: Nest builds it from {@link LeadPoolModule}; these are its parts tests reach for. */
export async function startLeadPoolRuntime(settings: LeadPoolSettings, onError: (error: unknown) => void): Promise<LeadPoolRuntime> {
  const platform = await startPlatform(LeadPoolModule, {
    service: SERVICE_NAME,
    settings,
    onError,
    migrations: leadPoolMigrations,
    // it makes each lead's key, and destroys it on erasure
    keyring: 'shred',
    // a lead's personal data is sealed with the lead's own key before it is stored: the table and the topic hold it sealed
    sealPersonalData: leadOf,
  });
  const { context } = platform;
  return {
    ...platform,
    leads: context.get(LeadService),
    policy: context.get(RatioPolicyService),
    allocator: context.get(LeadAllocator),
    repository: context.get(LeadPoolRepository),
    aggregates: context.get(LeadPoolAggregates),
    simulations: context.get(LeadSimulationService),
  };
}

/** whose key seals a lead event's personal data: the lead's (its id, a UUID), the prospect not being a customer yet */
export function leadOf(event: NewEvent): string {
  const leadId = (event.data as { leadId?: unknown }).leadId;
  if (typeof leadId !== 'string') throw new Error(`${event.type} carries personal data but names no leadId: it cannot be sealed`);
  return leadId;
}
