import { NewEvent } from '@support/contracts';
import { EventStore } from '@support/event-store';
import { PersonalDataOpening, SubjectKeys } from '@support/personal-data';
import { PlatformRuntime, PlatformSettings, startPlatform } from '@support/service-kit';
import { SheetService } from './application/sheet.service';
import { VisitService } from './application/visit.service';
import { FieldServiceModule } from './field-service.module';
import { fieldServiceMigrations } from './persistence/field-service.migrations';
import { KnownTicketsRepository } from './persistence/known-tickets.repository';

export const SERVICE_NAME = 'field-service';

export type FieldServiceSettings = PlatformSettings;

export interface FieldServiceRuntime extends PlatformRuntime {
  /** the event table as stored: personal data sealed */
  store: EventStore;
  visits: VisitService;
  sheets: SheetService;
  /** the known tickets as stored: the customer's values sealed */
  tickets: KnownTicketsRepository;
  opening: PersonalDataOpening;
  keys: SubjectKeys;
}

/** Field-service on the support platform: Nest builds it from {@link FieldServiceModule}; these are its parts tests reach for. */
export async function startFieldServiceRuntime(settings: FieldServiceSettings, onError: (error: unknown) => void): Promise<FieldServiceRuntime> {
  const tickets = new KnownTicketsRepository(settings.schema);
  const platform = await startPlatform(FieldServiceModule, {
    service: SERVICE_NAME,
    settings,
    onError,
    migrations: fieldServiceMigrations,
    // it opens the customers' values it shows, and seals its own events with their keys (making one for a
    // customer none of whose values were sealed yet); it destroys only keys of its own tickets' (CustomerErasureReactor)
    keyring: 'shred',
    // every visit's and sheet's personal data is sealed with the key of its ticket's customer, in the
    // appending transaction: the table and every topic hold it sealed, and erasing the customer erases it
    sealPersonalData: (event: NewEvent, manager) => tickets.subjectOf(manager, (event.data as { ticketId: string }).ticketId),
  });
  const { context } = platform;
  return {
    ...platform,
    store: context.get(EventStore),
    visits: context.get(VisitService),
    sheets: context.get(SheetService),
    tickets: context.get(KnownTicketsRepository),
    opening: context.get(PersonalDataOpening),
    keys: context.get(SubjectKeys),
  };
}
