import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { loadKeyEncryptionKey } from '@support/personal-data';
import { BACKGROUND_ERRORS, PLATFORM_SETTINGS, PeriodicTask, schemaBound } from '@support/service-kit';
import { CONTACT_INDEX_PURPOSE, ContactIndex } from './application/contact-index';
import { LeadAllocator } from './application/lead-allocator';
import { LeadPersonalData } from './application/lead-personal-data';
import { LeadPoolAggregates } from './application/lead-pool.aggregates';
import { LeadPoolReactor } from './application/lead-pool.reactor';
import { LeadService } from './application/lead.service';
import { LeadSimulationService } from './application/lead-simulation.service';
import { RatioPolicyService } from './application/ratio-policy.service';
import type { LeadPoolSettings } from './lead-pool.providers';
import { LeadPoolRepository } from './persistence/lead-pool.repository';

const ALLOCATION_ROUNDS = Symbol('AllocationRounds');
const CONTACT_INDEXING = Symbol('ContactIndexing');

/** How often the allocator runs by itself by default. */
const TICK_INTERVAL_MS = 1000;

/**
 * Members coming on duty and deadlines passing need no request: the allocator also runs on its own. On
 * shutdown (after the consumers) its rounds stop, then the one under way ends, before the relay stops.
 */
function allocationRounds(allocator: LeadAllocator, settings: LeadPoolSettings, onError: (error: unknown) => void) {
  const interval = settings.tickIntervalMs === undefined ? TICK_INTERVAL_MS : settings.tickIntervalMs;
  const task = interval === null ? undefined : new PeriodicTask(() => allocator.runDue(), interval, onError);
  return {
    onApplicationBootstrap: () => task?.start(),
    onModuleDestroy: async () => {
      await task?.stop();
      await allocator.idle();
    },
  };
}

// the leads stored before the contact index are indexed before anything is served or consumed
function contactIndexing(personalData: LeadPersonalData, dataSource: DataSource) {
  return { onModuleInit: () => personalData.indexStoredContacts(dataSource) };
}

/** Lead-pool's own providers and event handlers, on the support platform's (database, pipeline, clock, ...). */
@Module({
  providers: [
    ...schemaBound(LeadPoolRepository),
    LeadPoolAggregates,
    LeadAllocator,
    LeadService,
    RatioPolicyService,
    LeadSimulationService,
    LeadPersonalData,
    // its key derived from the key-encryption key (loaded as the platform does): never in the database
    { provide: ContactIndex, useFactory: () => new ContactIndex(loadKeyEncryptionKey().derive(CONTACT_INDEX_PURPOSE)) },
    { provide: CONTACT_INDEXING, inject: [LeadPersonalData, DataSource], useFactory: contactIndexing },
    { provide: ALLOCATION_ROUNDS, inject: [LeadAllocator, PLATFORM_SETTINGS, BACKGROUND_ERRORS], useFactory: allocationRounds },
  ],
  controllers: [LeadPoolReactor],
  exports: [LeadService, RatioPolicyService, LeadSimulationService, LeadAllocator, LeadPoolRepository, LeadPoolAggregates],
})
export class LeadPoolModule {}
