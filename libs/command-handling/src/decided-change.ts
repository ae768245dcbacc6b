import { EntityManager } from 'typeorm';
import { NewEvent, RecordedEvent } from '@support/contracts';
import { CommandRefusal } from '@support/decider';
import { AppendRequest } from '@support/event-store';
import { AppendPipeline } from './append-pipeline';

/**
 * A change not written yet: `request` to append (with others, at once), then `recorded`. Lets one
 * transaction change several aggregates atomically.
 */
export interface PendingChange<Entity> {
  id: string;
  request: AppendRequest;
  /** the aggregate as decided */
  entity: Entity;
  /**
   * Told the events as stored (a transform may have sealed values): saves the read model from them, in
   * the same transaction, and answers the aggregate as stored.
   */
  recorded(manager: EntityManager, stored: RecordedEvent[]): Promise<Entity>;
}

/** A decided change of one aggregate, at the version its stream will have once the change is appended. */
export interface DecidedChange<Entity> extends PendingChange<Entity> {
  version: number;
}

export type Committed<Entity = unknown> = { ok: true; events: RecordedEvent[]; entities: Entity[] };

/**
 * Appends several decided changes at once (one transaction, every stream or none), then saves their
 * read models; `entities` are the aggregates as stored, in the changes' order. A conflict on any stream
 * writes nothing and is returned.
 */
export async function commitChanges<Entity>(
  manager: EntityManager,
  pipeline: AppendPipeline,
  changes: ReadonlyArray<PendingChange<Entity>>,
): Promise<Committed<Entity> | CommandRefusal> {
  if (changes.length === 0) return { ok: true, events: [], entities: [] };
  const results = await pipeline.appendAll(
    manager,
    changes.map((change) => change.request),
  );
  const stored: RecordedEvent[][] = [];
  for (const result of results) {
    if (!result.ok) return { ok: false, code: 'version-conflict', reason: `${result.streamId} changed meanwhile (version ${result.currentVersion})` };
    stored.push(result.events);
  }
  const entities: Entity[] = [];
  for (const [index, change] of changes.entries()) entities.push(await change.recorded(manager, stored[index]));
  return { ok: true, events: stored.flat(), entities };
}

/**
 * Events decided outside one aggregate's state (a routing round's decisions, taken on the whole roster
 * and queue under the round's lock), appended to their stream whatever its version, with no read model.
 */
export function unversionedChange(streamType: string, streamId: string, events: NewEvent[]): PendingChange<undefined> {
  return { id: streamId, request: { streamType, streamId, expectedVersion: 'any', events }, entity: undefined, recorded: async () => undefined };
}
