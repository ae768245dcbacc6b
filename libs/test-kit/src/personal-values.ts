import { eventCatalogue, valueAt } from '@support/contracts';

/**
 * The personal values these events carry, by the catalogue's marks, as they read in a JSON body (a
 * string as it is, anything else as JSON): a masked answer must show none of them.
 */
export function clearPersonalValues(events: ReadonlyArray<{ type: string; data: unknown }>): string[] {
  return events.flatMap((event) =>
    (eventCatalogue.definition(event.type).personalData ?? [])
      .map((pointer) => valueAt(event.data, pointer))
      .filter((value) => value !== undefined)
      .map((value) => (typeof value === 'string' ? value : JSON.stringify(value))),
  );
}
