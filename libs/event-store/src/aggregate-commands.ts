import { EntityManager } from 'typeorm';
import { Cause, Clock, CommandRefusal, Decider, envelopeOf, foldEvents, RecordedEvent } from '@support/contracts';
import { AppendRequest } from './append-plan';
import { EventStore, SqlExecutor } from './event-store';

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
 * A decided change of one aggregate, not written yet: append `request` (with others, in one
 * `appendAll`), then `saveView`. Lets one transaction change several aggregates atomically.
 */
export interface DecidedChange<Entity> {
  id: string;
  request: AppendRequest;
  entity: Entity;
  version: number;
  saveView(manager: EntityManager): Promise<void>;
}

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

  /**
   * Decides a command on the aggregate as stored, writing nothing. `guard` may refuse on the current
   * state first (e.g. a contractor outside their tickets).
   */
  async decide(
    executor: SqlExecutor,
    id: string,
    command: (at: Date) => Command,
    context: CommandContext,
    guard: (state: State) => Promise<CommandRefusal | undefined> = async () => undefined,
  ): Promise<DecidedChange<Entity> | CommandRefusal> {
    const { state, version } = await this.load(executor, id);
    if (context.expectedVersion !== undefined && context.expectedVersion !== version) {
      return { ok: false, code: 'version-conflict', reason: `${this.spec.streamType} ${id} is at version ${version}, not ${context.expectedVersion}` };
    }
    const refused = await guard(state);
    if (refused) return refused;
    const at = this.clock.now();
    const decision = this.spec.decider.decide(command(at), state);
    if (!decision.ok) return decision;
    const entity = decision.events.reduce(this.spec.decider.evolve, state);
    if (!this.spec.exists(entity)) throw new Error(`${this.spec.streamType} ${id} does not exist after ${decision.events.map((e) => e.type).join(', ')}`);
    const newVersion = version + decision.events.length;
    return {
      id,
      request: { streamType: this.spec.streamType, streamId: id, expectedVersion: version, events: decision.events.map((event) => envelopeOf(event, context, at)) },
      entity,
      version: newVersion,
      saveView: (manager) => this.spec.saveView(manager, entity, newVersion),
    };
  }

  /** decide, append, save the read model: one aggregate's command in the caller's transaction */
  async executeIn(
    manager: EntityManager,
    id: string,
    command: (at: Date) => Command,
    context: CommandContext,
    guard?: (state: State) => Promise<CommandRefusal | undefined>,
  ): Promise<CommandOutcome<Entity>> {
    const decided = await this.decide(manager, id, command, context, guard);
    if (!('request' in decided)) return decided;
    const [appended] = await this.store.appendAll(manager, [decided.request]);
    if (!appended.ok) return { ok: false, code: 'version-conflict', reason: `${this.spec.streamType} ${id} changed meanwhile (version ${appended.currentVersion})` };
    await decided.saveView(manager);
    return { ok: true, entity: decided.entity, version: appended.version, events: appended.events };
  }

  history(executor: SqlExecutor, id: string): Promise<RecordedEvent[]> {
    return this.store.readStream(executor, id);
  }
}

/**
 * Appends several decided changes at once (one transaction, every stream or none), then saves their
 * read models. A conflict on any stream writes nothing and is returned.
 */
export async function commitChanges(manager: EntityManager, store: EventStore, changes: ReadonlyArray<DecidedChange<unknown>>): Promise<{ ok: true; events: RecordedEvent[] } | CommandRefusal> {
  if (changes.length === 0) return { ok: true, events: [] };
  const results = await store.appendAll(manager, changes.map((change) => change.request));
  const conflict = results.find((result) => !result.ok);
  if (conflict && !conflict.ok) return { ok: false, code: 'version-conflict', reason: `${conflict.streamId} changed meanwhile (version ${conflict.currentVersion})` };
  for (const change of changes) await change.saveView(manager);
  return { ok: true, events: results.flatMap((result) => (result.ok ? result.events : [])) };
}

function asEvent<Event>(recorded: RecordedEvent): Event {
  return { type: recorded.type, data: recorded.data } as Event;
}
