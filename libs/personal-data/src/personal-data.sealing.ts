import { EntityManager } from 'typeorm';
import { EventCatalogue, NewEvent } from '@support/contracts';
import { AppendTransform, PreparedAppend } from '@support/command-handling';
import { AppendRequest } from '@support/event-store';
import { DataKey, newDataKey, sealAt } from './sealed-values';
import { SubjectKeys } from './subject-keys.repository';

/** whom an event's personal data is about: the id its data key goes by */
export type SubjectOf = (event: NewEvent) => string;

/**
 * The step of an append pipeline that seals personal data. Before an event is stored, every value its
 * catalogue entry marks as personal data is sealed with the data key of the person it is about (by default
 * the customer the event names, `data.customerId`), made on first need: the hash chain covers the
 * ciphertext, so destroying the key later erases the values and breaks nothing. A key made here is stored
 * (wrapped) once the append succeeded.
 */
export class PersonalDataSealing implements AppendTransform {
  constructor(
    private readonly catalogue: EventCatalogue,
    private readonly keys: SubjectKeys,
    private readonly subjectOf: SubjectOf = customerOf,
  ) {}

  async prepare(manager: EntityManager, requests: AppendRequest[]): Promise<PreparedAppend> {
    const events = requests.flatMap((request) => request.events);
    const owners = [...new Set(events.flatMap((event) => (this.personalData(event).length > 0 ? [this.subjectOf(event)] : [])))];
    if (owners.length === 0) return { requests };
    const keys = await this.keysFor(manager, owners);
    return {
      requests: requests.map((request) => ({ ...request, events: request.events.map((event) => this.seal(event, keys.of)) })),
      afterAppend: (after) =>
        this.keys.createAll(
          after,
          [...keys.made].map(([subjectId, made]) => ({ subjectId, ...made })),
        ),
    };
  }

  private personalData(event: NewEvent): readonly string[] {
    return this.catalogue.definition(event.type).personalData ?? [];
  }

  private seal(event: NewEvent, keyOf: (event: NewEvent) => DataKey): NewEvent {
    const pointers = this.personalData(event);
    return pointers.length === 0 ? event : { ...event, data: sealAt(event.data, pointers, keyOf(event)) };
  }

  /** the subjects' stored keys, and new ones for those who have none yet */
  private async keysFor(manager: EntityManager, subjectIds: string[]) {
    const stored = await this.keys.keysOf(manager, subjectIds);
    const made = new Map<string, { key: DataKey; at: Date }>();
    const of = (event: NewEvent): DataKey => {
      const subjectId = this.subjectOf(event);
      const key = stored.get(subjectId);
      // an erased customer is found by no contact, so no new event of theirs can carry personal data
      if (key === null) throw new Error(`${subjectId} was erased: ${event.type} cannot record their personal data`);
      if (key) return key;
      if (!made.has(subjectId)) made.set(subjectId, { key: newDataKey(), at: event.occurredAt });
      return made.get(subjectId)!.key;
    };
    return { of, made };
  }
}

/** the customer an event with personal data is about: such events name them as `customerId` */
export function customerOf(event: NewEvent): string {
  const customerId = (event.data as { customerId?: unknown }).customerId;
  if (typeof customerId !== 'string') throw new Error(`${event.type} carries personal data but names no customerId: it cannot be sealed`);
  return customerId;
}
