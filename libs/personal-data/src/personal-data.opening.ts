import { EventCatalogue, updateAt, valueAt } from '@support/contracts';
import { SqlExecutor } from '@support/event-store';
import { DataKey, isSealed, openValue, sealedSubject } from './sealed-values';
import { SubjectKeys } from './subject-keys.repository';

type EventLike = { type: string; data: unknown };

/**
 * Opens sealed personal values for a reader who may see them clear, wherever the values came from: an
 * event of the service's own, one consumed from Kafka (values stay sealed on every topic), or a read
 * model's column that keeps a value as it arrived. A v2 value names its subject, so one query fetches every
 * key needed; an erased subject's values read `[erased]`. Clear values (recorded before sealing) pass as they are.
 */
export class PersonalDataOpening {
  constructor(
    private readonly catalogue: EventCatalogue,
    private readonly keys: SubjectKeys,
  ) {}

  /** each event's data with every value its catalogue entry marks personal opened, in copies */
  async openEvents<E extends EventLike>(executor: SqlExecutor, events: readonly E[]): Promise<E[]> {
    const pointersOf = (event: E) => (this.catalogue.has(event.type) ? (this.catalogue.definition(event.type).personalData ?? []) : []);
    const subjects = events.flatMap((event) => pointersOf(event).flatMap((pointer) => subjectsIn(event, pointer)));
    const keys = await this.keysOf(executor, subjects);
    return events.map((event) => {
      const pointers = pointersOf(event);
      if (pointers.length === 0) return event;
      const data = pointers.reduce((opened, pointer) => updateAt(opened, pointer, (value) => openValue(keys.get(subjectOf(event, value) ?? ''), value)), event.data);
      return { ...event, data };
    });
  }

  /** the values opened, in order: for a column that keeps a sealed value as it arrived */
  async openValues(executor: SqlExecutor, values: readonly unknown[]): Promise<unknown[]> {
    const keys = await this.keysOf(
      executor,
      values.flatMap((value) => sealedSubject(value) ?? []),
    );
    return values.map((value) => openValue(keys.get(sealedSubject(value) ?? ''), value));
  }

  private keysOf(executor: SqlExecutor, subjects: readonly string[]): Promise<Map<string, DataKey | null>> {
    return this.keys.keysOf(executor, [...new Set(subjects)]);
  }
}

function subjectsIn(event: EventLike, pointer: string): string[] {
  const subject = subjectOf(event, valueAt(event.data, pointer));
  return subject ? [subject] : [];
}

// a v1 value (intake's first) is sealed with the key of the customer its event names
function subjectOf(event: EventLike, value: unknown): string | undefined {
  if (!isSealed(value)) return undefined;
  const named = sealedSubject(value);
  if (named) return named;
  const customerId = (event.data as { customerId?: unknown } | null)?.customerId;
  return typeof customerId === 'string' ? customerId : undefined;
}
