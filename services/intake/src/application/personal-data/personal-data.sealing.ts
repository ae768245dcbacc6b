import { EntityManager } from 'typeorm';
import { EventCatalogue, NewEvent } from '@support/contracts';
import { AppendTransform, PreparedAppend } from '@support/command-handling';
import { AppendRequest } from '@support/event-store';
import { CustomerKeys } from '../../persistence/customer-keys.repository';
import { DataKey, newDataKey, sealAt } from './personal-data.cipher';

/**
 * The step of intake's append pipeline that seals personal data. Before an event is stored, every value
 * its catalogue entry marks as personal data is sealed with the data key of the customer the event names
 * (`data.customerId`), made on first need: the hash chain covers the ciphertext, so destroying the key
 * later erases the values and breaks nothing. A key made here is stored once the append succeeded. The
 * outbox publishes the events as decided, clear, for Kafka (docs/security.md, Erasure).
 */
export class PersonalDataSealing implements AppendTransform {
  constructor(
    private readonly catalogue: EventCatalogue,
    private readonly keys: CustomerKeys,
  ) {}

  async prepare(manager: EntityManager, requests: AppendRequest[]): Promise<PreparedAppend> {
    const events = requests.flatMap((request) => request.events);
    const owners = [...new Set(events.flatMap((event) => (this.personalData(event).length > 0 ? [ownerOf(event)] : [])))];
    if (owners.length === 0) return { requests };
    const keys = await this.keysFor(manager, owners);
    return {
      requests: requests.map((request) => ({ ...request, events: request.events.map((event) => this.seal(event, keys.of)) })),
      afterAppend: (after) =>
        this.keys.createAll(
          after,
          [...keys.made].map(([customerId, made]) => ({ customerId, ...made })),
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

  /** the customers' stored keys, and new ones for those who have none yet */
  private async keysFor(manager: EntityManager, customerIds: string[]) {
    const stored = await this.keys.keysOf(manager, customerIds);
    const made = new Map<string, { key: DataKey; at: Date }>();
    const of = (event: NewEvent): DataKey => {
      const customerId = ownerOf(event);
      const key = stored.get(customerId);
      // an erased customer is found by no contact, so no new event of theirs can carry personal data
      if (key === null) throw new Error(`customer ${customerId} was erased: ${event.type} cannot record their personal data`);
      if (key) return key;
      if (!made.has(customerId)) made.set(customerId, { key: newDataKey(), at: event.occurredAt });
      return made.get(customerId)!.key;
    };
    return { of, made };
  }
}

/** the customer an event with personal data is about: such events name them as `customerId` */
function ownerOf(event: NewEvent): string {
  const customerId = (event.data as { customerId?: unknown }).customerId;
  if (typeof customerId !== 'string') throw new Error(`${event.type} carries personal data but names no customerId: it cannot be sealed`);
  return customerId;
}
