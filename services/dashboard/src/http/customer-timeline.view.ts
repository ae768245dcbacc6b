import { eventCatalogue, maskPersonalData, Role } from '@support/contracts';

/**
 * A customer's timeline as its reader sees it: the timeline keeps each event's data as published, so
 * for an analyst every field the catalogue marks as personal data is masked here, at the edge (pure).
 */
export function timelineSeenBy<Entry extends { type: string; data: unknown }>(role: Role, timeline: Entry[]): Entry[] {
  if (role !== 'analyst') return timeline;
  return timeline.map((entry) => ({ ...entry, data: maskPersonalData(eventCatalogue, entry.type, entry.data) }));
}
