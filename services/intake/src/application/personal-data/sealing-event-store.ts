import { EntityManager } from 'typeorm';
import { EventCatalogue, NewEvent, RecordedEvent } from '@support/contracts';
import { AppendListener, AppendRequest, AppendResult, EventStore, SqlExecutor } from '@support/event-store';
import { CustomerKeys } from '../../persistence/customer-keys.repository';
import { DataKey, newDataKey, sealAt } from './personal-data.cipher';

/**
 * Intake's writes to its event store. Before an event is stored, every value its catalogue entry marks as
 * personal data is sealed with the data key of the customer the event names (`data.customerId`), made on
 * first need: the hash chain covers the ciphertext, so destroying the key later erases the values and
 * breaks nothing. The outbox gets the events as decided, clear, for Kafka (docs/security.md, Erasure).
 */
export class SealingEventStore {
  constructor(
    private readonly store: EventStore,
    private readonly catalogue: EventCatalogue,
    private readonly keys: CustomerKeys,
    private readonly outbox: AppendListener,
  ) {}

  readStream(executor: SqlExecutor, streamId: string): Promise<RecordedEvent[]> {
    return this.store.readStream(executor, streamId);
  }

  readStreams(executor: SqlExecutor, streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    return this.store.readStreams(executor, streamIds);
  }

  async append(manager: EntityManager, request: AppendRequest): Promise<AppendResult> {
    const [result] = await this.appendAll(manager, [request]);
    return result;
  }

  /** EventStore.appendAll with sealing: the first write of the transaction, as the store requires */
  async appendAll(manager: EntityManager, requests: AppendRequest[]): Promise<AppendResult[]> {
    const events = requests.flatMap((request) => request.events);
    const owners = [...new Set(events.flatMap((event) => (this.personalData(event).length > 0 ? [ownerOf(event)] : [])))];
    const keys = await this.keysFor(manager, owners);
    const sealed = requests.map((request) => ({ ...request, events: request.events.map((event) => this.seal(event, keys.of)) }));

    const results = await this.store.appendAll(manager, sealed);
    if (results.some((result) => !result.ok)) return results;
    // a key is stored with the first events it sealed, never before the append (it must be the first write)
    await this.keys.createAll(manager, [...keys.made].map(([customerId, made]) => ({ customerId, ...made })));
    const decided = new Map(events.map((event) => [event.id, event.data]));
    const appended = results.flatMap((result) => (result.ok && !result.duplicate ? result.events : []));
    await this.outbox.onAppended(manager, appended.map((event) => ({ ...event, data: decided.get(event.id) ?? event.data })));
    return results;
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
