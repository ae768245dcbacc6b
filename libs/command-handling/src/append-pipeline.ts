import { EntityManager } from 'typeorm';
import { AppendRequest, AppendResult, EventStore, OutboxMessages } from '@support/event-store';

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

/**
 * The one way a service appends: its transforms, then the event store's append with the events' outbox
 * messages in the same call, all in the caller's transaction. Nothing after a refused append runs.
 */
export class AppendPipeline {
  constructor(
    readonly store: EventStore,
    private readonly stages: { transforms?: AppendTransform[]; outbox?: OutboxMessages } = {},
  ) {}

  async append(manager: EntityManager, request: AppendRequest): Promise<AppendResult> {
    const [result] = await this.appendAll(manager, [request]);
    return result;
  }

  async appendAll(manager: EntityManager, requests: AppendRequest[]): Promise<AppendResult[]> {
    const prepared: PreparedAppend[] = [];
    let current = requests;
    for (const transform of this.stages.transforms ?? []) {
      const step = await transform.prepare(manager, current);
      prepared.push(step);
      current = step.requests;
    }
    const { outbox } = this.stages;
    const results = await this.store.appendAll(manager, current, outbox);
    if (results.some((result) => !result.ok)) return results;
    for (const step of prepared) await step.afterAppend?.(manager);
    if (outbox && results.some((result) => result.ok && !result.duplicate)) outbox.written(manager);
    return results;
  }
}
