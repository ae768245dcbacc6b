import { Role } from '../actor';
import { EventCatalogue } from '../catalogue/event-catalogue';
import { EventDefinition } from '../catalogue/event-definition';
import { maskAt, maskPersonalData } from './personal-data';

// analysts (operations, management) read dashboards and streams and work no ticket or lead: they read
// customers' personal data masked; every role that works with the customer reads it clear

/** Whether `role` reads personal data masked. */
export function readsPersonalDataMasked(role: Role): boolean {
  return role === 'analyst';
}

/**
 * A read model as `role` reads it: an analyst's with the values at `pointers` masked (in a copy),
 * anyone else's as it is. The pointers are the catalogue's, as the read model keeps them (see
 * {@link personalDataOfEvents}).
 */
export function personalDataSeenBy<T>(role: Role, value: T, pointers: readonly string[]): T {
  return readsPersonalDataMasked(role) ? (maskAt(value, pointers) as T) : value;
}

/**
 * Recorded events (a history, a timeline) as `role` reads them: an analyst's with each event's data
 * masked by its type's catalogue entry, anyone else's as they are.
 */
export function eventsSeenBy<Entry extends { type: string; data: unknown }>(role: Role, catalogue: EventCatalogue, entries: Entry[]): Entry[] {
  if (!readsPersonalDataMasked(role)) return entries;
  return entries.map((entry) => ({ ...entry, data: maskPersonalData(catalogue, entry.type, entry.data) }));
}

/**
 * Where a read model folded from these events keeps personal data, when it keeps each event's fields
 * where the event has them (under `prefix` when it nests the event's data): every pointer the
 * definitions mark, once.
 */
export function personalDataOfEvents(definitions: readonly EventDefinition[], prefix = ''): string[] {
  return [...new Set(definitions.flatMap((definition) => (definition.personalData ?? []).map((pointer) => `${prefix}${pointer}`)))];
}
