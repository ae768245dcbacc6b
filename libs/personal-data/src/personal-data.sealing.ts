import { EntityManager } from 'typeorm';
import { EventCatalogue, NewEvent } from '@support/contracts';
import { AppendTransform, PreparedAppend } from '@support/command-handling';
import { AppendRequest } from '@support/event-store';
import { DataKey, newDataKey, sealAt } from './sealed-values';
import { SubjectKeys } from './subject-keys.repository';

/** A change that would record personal data of an erased subject: refused (HTTP 409), nothing written. */
export class SubjectErased extends Error {
  constructor(
    readonly subjectId: string,
    readonly eventType: string,
  ) {
    super(`the personal data of ${subjectId} was erased: ${eventType} cannot record it again`);
  }
}

/** whom an event's personal data is about: the id (a UUID) its data key goes by; it may look it up in the appending transaction */
export type SubjectOf = (event: NewEvent, manager: EntityManager) => string | Promise<string>;

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
    const personal = requests.flatMap((request) => request.events).filter((event) => this.personalData(event).length > 0);
    if (personal.length === 0) return { requests };
    const subjects = new Map<string, string>();
    for (const event of personal) subjects.set(event.id, await this.subjectOf(event, manager));
    const keys = await this.keysFor(manager, personal, subjects);
    return {
      requests: requests.map((request) => ({ ...request, events: request.events.map((event) => this.seal(event, subjects.get(event.id), keys)) })),
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

  private seal(event: NewEvent, subjectId: string | undefined, keys: { of: Map<string, DataKey> }): NewEvent {
    if (subjectId === undefined) return event;
    return { ...event, data: sealAt(event.data, this.personalData(event), keys.of.get(subjectId) as DataKey, subjectId) };
  }

  /** every subject's key: stored, or made for one who has none yet (stored once the append went through) */
  private async keysFor(manager: EntityManager, events: NewEvent[], subjects: Map<string, string>) {
    const stored = await this.keys.keysOf(manager, [...new Set(subjects.values())]);
    const of = new Map<string, DataKey>();
    const made = new Map<string, { key: DataKey; at: Date }>();
    for (const event of events) {
      const subjectId = subjects.get(event.id) as string;
      if (of.has(subjectId)) continue;
      const key = stored.get(subjectId);
      // an erased subject is found by no contact, so no new event of theirs can carry personal data
      if (key === null) throw new SubjectErased(subjectId, event.type);
      if (key) of.set(subjectId, key);
      else {
        made.set(subjectId, { key: newDataKey(), at: event.occurredAt });
        of.set(subjectId, made.get(subjectId)!.key);
      }
    }
    return { of, made };
  }
}

/** the customer an event with personal data is about: such events name them as `customerId` */
export function customerOf(event: NewEvent): string {
  const customerId = (event.data as { customerId?: unknown }).customerId;
  if (typeof customerId !== 'string') throw new Error(`${event.type} carries personal data but names no customerId: it cannot be sealed`);
  return customerId;
}
