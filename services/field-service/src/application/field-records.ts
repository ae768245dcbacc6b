import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, Clock, RecordedEvent } from '@support/contracts';
import { AggregateSpec, CommandBuilder, CommandContext, CommandHandler, DecideOptions, CommandOutcome, IdempotencyStore, OnceOutcome } from '@support/command-handling';
import { foldEvents } from '@support/decider';
import { SqlExecutor } from '@support/event-store';
import { PersonalDataOpening } from '@support/personal-data';
import { CommandRefusal, Page } from '@support/service-kit';
import { KnownTicketsRepository } from '../persistence/known-tickets.repository';
import { OpenedStreams } from './opened-streams';
import { ScopedReads, ScopedSource } from './scoped-reads';
import { refuseNewWork, withinTicketScope } from './ticket-scope';

/** What a new visit, sheet or command answers: the id, the status it is in, and its version. */
export interface Created {
  id: string;
  status: string;
  version: number;
}

/** The shared parts of both kinds of field record. */
export interface FieldRecordDependencies {
  dataSource: DataSource;
  /** commands decide on the clear values, and append sealed */
  pipeline: OpenedStreams;
  clock: Clock;
  tickets: KnownTicketsRepository;
  idempotency: IdempotencyStore;
  opening: PersonalDataOpening;
}

/** How one kind of field record (visits, sheets) is decided, read, and tied to its ticket. */
export interface FieldRecordSpec<
  Command,
  Event extends { type: string; data: unknown },
  State,
  Entity extends State & { status: string },
  View extends { ticketId: string },
  Filter,
> extends AggregateSpec<Command, Event, State, Entity> {
  reads: Omit<ScopedSource<View, Filter>, 'history'>;
  ticketOf(state: State): string | undefined;
  idOf(entity: Entity): string;
  saveView(manager: EntityManager, entity: Entity, version: number): Promise<void>;
}

/** A new record's command, given its fresh id and the time of decision. */
export type NewRecordCommand<Command> = (id: string, at: Date) => Command;

/**
 * Visits and sheets alike: each belongs to a ticket, is started once per Idempotency-Key on a ticket that is
 * open and in the actor's scope, is worked by commands checked against that scope in their transaction, and
 * reads through the actor's scope and reading policy.
 */
export abstract class FieldRecords<
  Command,
  Event extends { type: string; data: unknown },
  State,
  Entity extends State & { status: string },
  View extends { ticketId: string },
  Filter,
> {
  readonly commands: CommandHandler<Command, Event, State, Entity>;
  private readonly reads: ScopedReads<View, Filter>;

  protected constructor(
    protected readonly deps: FieldRecordDependencies,
    private readonly spec: FieldRecordSpec<Command, Event, State, Entity, View, Filter>,
  ) {
    this.commands = new CommandHandler(deps.pipeline, deps.clock, {
      ...spec,
      // the state decided on holds clear values: the read model is folded from the events as stored, sealed
      saveView: async (manager, entity, version) => spec.saveView(manager, await this.asStored(manager, spec.idOf(entity)), version),
    });
    this.reads = new ScopedReads(deps.dataSource, deps.tickets, deps.opening, { ...spec.reads, history: (e, id) => deps.pipeline.recorded.readStream(e, id) });
  }

  /** the record as the actor may see it, or undefined when it does not exist or is out of the actor's scope */
  find(id: string, actor: Actor): Promise<View | undefined> {
    return this.reads.find(id, actor);
  }

  list(filter: Filter, actor: Actor): Promise<Page<View>> {
    return this.reads.list(filter, actor);
  }

  /** the record's events, personal values opened */
  history(id: string, actor: Actor): Promise<RecordedEvent[] | undefined> {
    return this.reads.history(id, actor);
  }

  /** the record's events as stored, sealed: what its hash chain covers */
  protected recorded(id: string, actor: Actor): Promise<RecordedEvent[] | undefined> {
    return this.reads.recorded(id, actor);
  }

  /**
   * Starts a record for a ticket; honours Idempotency-Key. `precheck` may refuse first, in the same
   * transaction (e.g. a sheet's visit that is not the ticket's).
   */
  protected start(
    operation: string,
    input: { ticketId: string },
    context: CommandContext,
    idempotencyKey: string | undefined,
    command: NewRecordCommand<Command>,
    precheck?: (manager: EntityManager) => Promise<CommandRefusal | undefined>,
  ): Promise<OnceOutcome<Created, CommandRefusal>> {
    const { dataSource, idempotency, tickets } = this.deps;
    return idempotency.once<Created, CommandRefusal>(dataSource, { operation, caller: context.actor.id }, idempotencyKey, input, async (manager) => {
      const refused = refuseNewWork(context.actor, input.ticketId, await tickets.find(manager, input.ticketId)) ?? (await precheck?.(manager));
      if (refused) return { refused };
      const id = randomUUID();
      const outcome = await this.commands.handleIn(manager, id, (at) => command(id, at), context);
      if (!outcome.ok) return { refused: outcome };
      return { status: 201, body: { id, status: outcome.entity.status, version: outcome.version } };
    });
  }

  /** A command on an existing record, in a transaction of its own (decided again on a race). */
  protected executeCommand(id: string, command: CommandBuilder<Command>, context: CommandContext): Promise<CommandOutcome<Entity>> {
    return this.commands.handle(this.deps.dataSource, id, command, context, this.inScope(id, context));
  }

  /** A command on an existing record, in the caller's transaction. */
  protected executeCommandIn(manager: EntityManager, id: string, command: CommandBuilder<Command>, context: CommandContext): Promise<CommandOutcome<Entity>> {
    return this.commands.handleIn(manager, id, command, context, this.inScope(id, context));
  }

  private async asStored(executor: SqlExecutor, id: string): Promise<Entity> {
    const recorded = await this.deps.pipeline.recorded.readStream(executor, id);
    const state = foldEvents(
      this.spec.decider,
      recorded.map((event) => ({ type: event.type, data: event.data }) as Event),
    );
    if (!this.spec.exists(state)) throw new Error(`${this.spec.streamType} ${id} does not exist as stored`);
    return state;
  }

  private inScope(id: string, context: CommandContext): DecideOptions<State> {
    return withinTicketScope(this.deps.tickets, context.actor, id, (state: State) => this.spec.ticketOf(state));
  }
}
