import { EntityManager } from 'typeorm';
import { eventCatalogue, RecordedEvent } from '@support/contracts';
import { AppendPipeline } from '@support/command-handling';
import { AppendRequest, AppendResult, EventStore, SqlExecutor } from '@support/event-store';
import { PersonalDataOpening } from '@support/personal-data';

/** The service's event table read with each event's personal values opened (`[erased]` for an erased customer). */
class OpenedEventStore extends EventStore {
  constructor(
    schema: string,
    private readonly opening: PersonalDataOpening,
  ) {
    super(schema, eventCatalogue);
  }

  override async readStream(executor: SqlExecutor, streamId: string): Promise<RecordedEvent[]> {
    return this.opening.openEvents(executor, await super.readStream(executor, streamId));
  }

  override async readStreams(executor: SqlExecutor, streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    const streams = await super.readStreams(executor, streamIds);
    const opened = await this.opening.openEvents(executor, [...streams.values()].flat());
    let at = 0;
    return new Map([...streams].map(([id, events]) => [id, opened.slice(at, (at += events.length))]));
  }
}

/**
 * The platform's append pipeline for deciding on clear values: a command's stream is read with its
 * personal values opened, in the command's transaction, since a decision may carry them on (a rescheduled
 * visit keeps its address, a submitted sheet its contents); what it appends goes through the platform's
 * pipeline, which seals them again. `recorded` reads the table as stored (sealed): for hash chains and
 * read models.
 */
export class OpenedStreams extends AppendPipeline {
  readonly recorded: EventStore;

  constructor(
    private readonly sealing: AppendPipeline,
    schema: string,
    opening: PersonalDataOpening,
  ) {
    super(new OpenedEventStore(schema, opening));
    this.recorded = sealing.store;
  }

  override appendAll(manager: EntityManager, requests: AppendRequest[]): Promise<AppendResult[]> {
    return this.sealing.appendAll(manager, requests);
  }
}
