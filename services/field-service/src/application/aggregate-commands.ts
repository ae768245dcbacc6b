import { EntityManager } from 'typeorm';
import { Cause, Clock, Decider, envelopeOf, foldEvents, RecordedEvent } from '@support/contracts';
import { EventStore, SqlExecutor } from '@support/event-store';
import { CommandRefusal } from '@support/service-kit';

/** One aggregate type: its stream type, decider, and the read model kept beside it. */
export interface AggregateSpec<Command, Event, State, Entity extends State> {
  streamType: string;
  decider: Decider<Command, Event, State>;
  exists(state: State): state is Entity;
  saveView(manager: EntityManager, entity: Entity, version: number): Promise<void>;
}

export type CommandOutcome<Entity> = { ok: true; entity: Entity; version: number; events: RecordedEvent[] } | CommandRefusal;

/** the version the caller saw (If-Match) and who is asking */
export type CommandContext = Cause & { expectedVersion?: number };

/**
 * Runs commands on one aggregate type: load the stream, decide, append with the version read (the
 * append first, as the event store requires), then save the read model, in the caller's transaction.
 */
export class AggregateCommands<Command, Event extends { type: string; data: unknown }, State, Entity extends State> {
  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly spec: AggregateSpec<Command, Event, State, Entity>,
  ) {}

  async load(executor: SqlExecutor, id: string): Promise<{ state: State; version: number }> {
    const history = await this.store.readStream(executor, id);
    return { state: foldEvents(this.spec.decider, history.map(asEvent<Event>)), version: history.length };
  }

  /** `guard` may refuse on the current state before deciding (e.g. a contractor outside their tickets) */
  async executeIn(
    manager: EntityManager,
    id: string,
    command: (at: Date) => Command,
    context: CommandContext,
    guard: (state: State) => Promise<CommandRefusal | undefined> = async () => undefined,
  ): Promise<CommandOutcome<Entity>> {
    const { state, version } = await this.load(manager, id);
    const refused = await guard(state);
    if (refused) return refused;
    if (context.expectedVersion !== undefined && context.expectedVersion !== version) {
      return { ok: false, code: 'version-conflict', reason: `${this.spec.streamType} ${id} is at version ${version}, not ${context.expectedVersion}` };
    }
    const at = this.clock.now();
    const decision = this.spec.decider.decide(command(at), state);
    if (!decision.ok) return decision;
    const appended = await this.store.append(manager, {
      streamType: this.spec.streamType,
      streamId: id,
      expectedVersion: version,
      events: decision.events.map((event) => envelopeOf(event, context, at)),
    });
    if (!appended.ok) return { ok: false, code: 'version-conflict', reason: `${this.spec.streamType} ${id} changed meanwhile (version ${appended.currentVersion})` };
    const entity = decision.events.reduce(this.spec.decider.evolve, state);
    if (!this.spec.exists(entity)) throw new Error(`${this.spec.streamType} ${id} does not exist after ${decision.events.map((e) => e.type).join(', ')}`);
    await this.spec.saveView(manager, entity, appended.version);
    return { ok: true, entity, version: appended.version, events: appended.events };
  }

  history(executor: SqlExecutor, id: string): Promise<RecordedEvent[]> {
    return this.store.readStream(executor, id);
  }
}

function asEvent<Event>(recorded: RecordedEvent): Event {
  return { type: recorded.type, data: recorded.data } as Event;
}
