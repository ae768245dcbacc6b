import { EventStore } from '@support/event-store';
import { PlatformRuntime, PlatformSettings, startPlatform } from '@support/service-kit';
import { SheetService } from './application/sheet.service';
import { VisitService } from './application/visit.service';
import { FieldServiceModule } from './field-service.module';
import { fieldServiceMigrations } from './persistence/field-service.migrations';
import { KnownTicketsRepository } from './persistence/known-tickets.repository';

export const SERVICE_NAME = 'field-service';

export type FieldServiceSettings = PlatformSettings;

export interface FieldServiceRuntime extends PlatformRuntime {
  store: EventStore;
  visits: VisitService;
  sheets: SheetService;
  tickets: KnownTicketsRepository;
}

/** Field-service on the support platform: Nest builds it from {@link FieldServiceModule}; these are its parts tests reach for. */
export async function startFieldServiceRuntime(settings: FieldServiceSettings, onError: (error: unknown) => void): Promise<FieldServiceRuntime> {
  const platform = await startPlatform(FieldServiceModule, { service: SERVICE_NAME, settings, onError, migrations: fieldServiceMigrations });
  const { context } = platform;
  return { ...platform, store: context.get(EventStore), visits: context.get(VisitService), sheets: context.get(SheetService), tickets: context.get(KnownTicketsRepository) };
}
