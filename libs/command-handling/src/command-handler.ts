import { DataSource, EntityManager } from 'typeorm';
import { Clock, envelopeOf, RecordedEvent } from '@support/contracts';
import { CommandRefusal, Decider, foldEvents } from '@support/decider';
import { GENESIS_HASH, SqlExecutor } from '@support/event-store';
import { AppendPipeline } from './append-pipeline';
import { CommandContext, CommandOutcome, staleVersion } from './command-context';
import { DecidedChange, commitChanges } from './decided-change';

/** One aggregate type: its stream type, decider, and the read model kept beside it. */
export interface AggregateSpec<Command, Event, State, Entity extends State> {
  streamType: string;
  decider: Decider<Command, Event, State>;
  exists(state: State): state is Entity;
  /** the read model's row, written in the command's transaction */
  saveView?(manager: EntityManager, entity: Entity, version: number): Promise<void>;
  /** how a stored event becomes the decider's (default: its type and data) */
  eventOf?(recorded: RecordedEvent): Event;
}

/** A command, or commands decided in turn on the state the previous left, built at the decision's time. */
export type CommandBuilder<Command> = ((at: Date) => Command | Command[]) | Array<(at: Date) => Command>;

export interface DecideOptions<State> {
  /** refuses on the current state before the decider runs (e.g. a contractor outside their tickets), reading in the command's transaction */
  guard?(state: State, executor: SqlExecutor): CommandRefusal | undefined | Promise<CommandRefusal | undefined>;
  /**
   * Of several commands, what a refused one does: refuse them all (default), be left out when it is not the
   * first ('skip-follow-ups'), or be left out whichever it is ('skip': a change may then have no events).
   */
  onRefused?: 'refuse' | 'skip-follow-ups' | 'skip';
  /** false: the caller writes the read model itself (e.g. many rows in one statement) from the recorded entity */
  saveView?: boolean;
  /** what else the command changes, in its transaction once its events are appended (a secret, a queue), given when they happened */
  alongside?(manager: EntityManager, at: Date): Promise<void>;
}

/** an aggregate as its stream tells it, with the version and hash an append continues from */
export interface Loaded<State> {
  state: State;
  version: number;
  hash: string;
  history: RecordedEvent[];
}

/** attempts of a command without If-Match whose stream moved between its read and its append */
const RACE_RETRIES = 3;

/**
 * Runs commands on one aggregate type: load the stream, decide (pure), append through the service's
 * pipeline (transforms, event store, outbox) with the version and hash read, save the read model.
 * The one command path of every service, after Emmett's CommandHandler; a decision is data
 * (`DecidedChange`), so one transaction can commit the changes of several aggregates together.
 */
export class CommandHandler<Command, Event extends { type: string; data: unknown }, State, Entity extends State> {
  constructor(
    private readonly pipeline: AppendPipeline,
    private readonly clock: Clock,
    private readonly spec: AggregateSpec<Command, Event, State, Entity>,
  ) {}

  get streamType(): string {
    return this.spec.streamType;
  }

  async load(executor: SqlExecutor, id: string): Promise<Loaded<State>> {
    return this.fold(await this.pipeline.store.readStream(executor, id));
  }

  /** Decides a command on the aggregate as stored, writing nothing. */
  async decide(
    executor: SqlExecutor,
    id: string,
    command: CommandBuilder<Command>,
    context: CommandContext,
    options: DecideOptions<State> = {},
  ): Promise<DecidedChange<Entity> | CommandRefusal> {
    return this.decideLoaded(executor, id, await this.load(executor, id), command, context, options);
  }

  /** Decides commands on several aggregates of this type, their streams read in one query. */
  async decideAll(
    executor: SqlExecutor,
    items: ReadonlyArray<{ id: string; command: CommandBuilder<Command>; context: CommandContext }>,
    options: DecideOptions<State> = {},
  ): Promise<Array<DecidedChange<Entity> | CommandRefusal>> {
    const loaded = await this.loadAll(
      executor,
      items.map((item) => item.id),
    );
    const decided: Array<DecidedChange<Entity> | CommandRefusal> = [];
    for (const { id, command, context } of items) decided.push(await this.decideLoaded(executor, id, loaded.get(id) as Loaded<State>, command, context, options));
    return decided;
  }

  /** several aggregates as their streams tell them, read in one query (for decisions that depend on each other's outcome) */
  async loadAll(executor: SqlExecutor, ids: readonly string[]): Promise<Map<string, Loaded<State>>> {
    if (ids.length === 0) return new Map();
    const histories = await this.pipeline.store.readStreams(executor, ids);
    return new Map(ids.map((id) => [id, this.fold(histories.get(id) ?? [])]));
  }

  /** Decides a command that starts a new aggregate (its id just made), without reading its empty stream. */
  decideNew(id: string, command: CommandBuilder<Command>, context: CommandContext, options: Pick<DecideOptions<State>, 'saveView'> = {}): DecidedChange<Entity> | CommandRefusal {
    return this.decideOn(id, { state: this.spec.decider.initialState(), version: 0, hash: GENESIS_HASH }, command, context, options);
  }

  /** Decides a command on an aggregate read already ({@link loadAll}), writing nothing. */
  async decideLoaded(
    executor: SqlExecutor,
    id: string,
    loaded: Loaded<State>,
    command: CommandBuilder<Command>,
    context: CommandContext,
    options: DecideOptions<State> = {},
  ): Promise<DecidedChange<Entity> | CommandRefusal> {
    // the scope first: one who may not see the aggregate learns nothing of its version
    const refused = await options.guard?.(loaded.state, executor);
    if (refused) return refused;
    if (context.expectedVersion !== undefined && context.expectedVersion !== loaded.version) return staleVersion(this.spec.streamType, id, loaded.version, context.expectedVersion);
    return this.decideOn(id, loaded, command, context, options);
  }

  private fold(history: RecordedEvent[]): Loaded<State> {
    const state = foldEvents(
      this.spec.decider,
      history.map((recorded) => this.eventOf(recorded)),
    );
    return { state, version: history.length, hash: history.at(-1)?.hash ?? GENESIS_HASH, history };
  }

  private decideOn(
    id: string,
    { state, version, hash }: { state: State; version: number; hash: string },
    command: CommandBuilder<Command>,
    context: CommandContext,
    options: DecideOptions<State>,
  ): DecidedChange<Entity> | CommandRefusal {
    const at = this.clock.now();
    const decided: Event[] = [];
    let entity = state;
    const commands = Array.isArray(command) ? command.map((build) => build(at)) : [command(at)].flat();
    for (const [index, each] of (commands as Command[]).entries()) {
      const decision = this.spec.decider.decide(each, entity);
      const skipped = options.onRefused === 'skip' || (options.onRefused === 'skip-follow-ups' && index > 0);
      if (!decision.ok && !skipped) return decision;
      if (!decision.ok) continue;
      decided.push(...decision.events);
      entity = decision.events.reduce(this.spec.decider.evolve, entity);
    }
    if (decided.length > 0 && !this.spec.exists(entity)) throw new Error(`${this.spec.streamType} ${id} does not exist after ${decided.map((e) => e.type).join(', ')}`);
    const newVersion = version + decided.length;
    return {
      id,
      request: { streamType: this.spec.streamType, streamId: id, expectedVersion: version, expectedHash: hash, events: decided.map((event) => envelopeOf(event, context, at)) },
      // with every command skipped ('skip'), no events: the state as it was, which the caller leaves out
      entity: entity as Entity,
      version: newVersion,
      recorded: async (manager, stored) => {
        // the read model follows the record: what a transform sealed stays sealed in it
        const recorded = stored.map((event) => this.eventOf(event)).reduce(this.spec.decider.evolve, state) as Entity;
        if (stored.length > 0 && options.saveView !== false) await this.spec.saveView?.(manager, recorded, newVersion);
        return recorded;
      },
    };
  }

  /** decide, append, save the read model: one aggregate's command in the caller's transaction */
  async handleIn(manager: EntityManager, id: string, command: CommandBuilder<Command>, context: CommandContext, options?: DecideOptions<State>): Promise<CommandOutcome<Entity>> {
    const decided = await this.decide(manager, id, command, context, options);
    if (!('request' in decided)) return decided;
    const committed = await commitChanges(manager, this.pipeline, [decided]);
    if (!committed.ok) return committed;
    await options?.alongside?.(manager, committed.events[0]?.occurredAt ?? this.clock.now());
    return { ok: true, entity: committed.entities[0], version: decided.version, events: committed.events };
  }

  /**
   * A command in a transaction of its own. Without If-Match (`expectedVersion`), a stream that moved between
   * the read and the append is read and decided again, a few times; with it, the conflict is the answer.
   */
  async handle(dataSource: DataSource, id: string, command: CommandBuilder<Command>, context: CommandContext, options?: DecideOptions<State>): Promise<CommandOutcome<Entity>> {
    for (let attempt = 0; ; attempt++) {
      const outcome = await dataSource.transaction((manager) => this.handleIn(manager, id, command, context, options));
      const raced = !outcome.ok && outcome.code === 'version-conflict' && context.expectedVersion === undefined;
      if (!raced || attempt >= RACE_RETRIES) return outcome;
    }
  }

  history(executor: SqlExecutor, id: string): Promise<RecordedEvent[]> {
    return this.pipeline.store.readStream(executor, id);
  }

  private eventOf(recorded: RecordedEvent): Event {
    return this.spec.eventOf ? this.spec.eventOf(recorded) : ({ type: recorded.type, data: recorded.data } as Event);
  }
}
