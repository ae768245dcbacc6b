import { EntityManager } from 'typeorm';
import { NewEvent, RecordedEvent } from '@support/contracts';
import { AppendRequest, AppendResult, EventStore } from '@support/event-store';

/**
 * Runs before an append and may rewrite what is appended (e.g. seal personal data). `afterAppend`, when
 * given, runs after the append succeeded, in the same transaction (e.g. store the keys the sealing made).
 */
export interface AppendTransform {
  prepare(manager: EntityManager, requests: AppendRequest[]): Promise<PreparedAppend>;
}

export interface PreparedAppend {
  requests: AppendRequest[];
  afterAppend?(manager: EntityManager): Promise<void>;
}

/** Told about every append, in the appending transaction (the outbox is one). */
export interface AppendListener {
  /**
   * `events` as stored; `decided` has each event as it was decided, before any transform, by id (so a
   * listener that must see clear values, where a transform sealed them, can)
   */
  onAppended(manager: EntityManager, events: RecordedEvent[], decided: ReadonlyMap<string, NewEvent>): Promise<void>;
}

/**
 * The one way a service appends: its transforms, the event store's append, then its listeners, all in the
 * caller's transaction. Nothing after a refused append runs.
 */
export class AppendPipeline {
  constructor(
    readonly store: EventStore,
    private readonly stages: { transforms?: AppendTransform[]; listeners?: AppendListener[] } = {},
  ) {}

  async append(manager: EntityManager, request: AppendRequest): Promise<AppendResult> {
    const [result] = await this.appendAll(manager, [request]);
    return result;
  }

  async appendAll(manager: EntityManager, requests: AppendRequest[]): Promise<AppendResult[]> {
    const decided = new Map(requests.flatMap((request) => request.events.map((event) => [event.id, event] as const)));
    const prepared: PreparedAppend[] = [];
    let current = requests;
    for (const transform of this.stages.transforms ?? []) {
      const step = await transform.prepare(manager, current);
      prepared.push(step);
      current = step.requests;
    }
    const results = await this.store.appendAll(manager, current);
    if (results.some((result) => !result.ok)) return results;
    for (const step of prepared) await step.afterAppend?.(manager);
    const appended = results.flatMap((result) => (result.ok && !result.duplicate ? result.events : []));
    if (appended.length > 0) for (const listener of this.stages.listeners ?? []) await listener.onAppended(manager, appended, decided);
    return results;
  }
}
