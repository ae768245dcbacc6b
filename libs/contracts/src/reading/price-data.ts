import { EventCatalogue } from '../catalogue/event-catalogue';
import { removeAt } from './json-pointer';

/**
 * An event's data as a contractor may read it: the fields its catalogue entry marks as `priceData`
 * are removed (not nulled), so a contractor's copy has no price field at all.
 */
export function withoutPrices(catalogue: EventCatalogue, type: string, data: unknown): unknown {
  return (catalogue.definition(type).priceData ?? []).reduce(removeAt, data);
}
