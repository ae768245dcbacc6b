import { DataSource, EntityManager } from 'typeorm';
import { Actor, Clock, RecordedEvent, SlaEvent, URGENCIES, Urgency } from '@support/contracts';
import { TransientFailure } from '@support/event-store';
import { AppendPipeline, CommandHandler, commitChanges, DecidedChange } from '@support/command-handling';
import {
  BusinessCalendar,
  clockExists,
  commandsFor,
  earlyStopsOf,
  fieldOf,
  firstMatch,
  IncomingEvent,
  SlaClock,
  SlaClockCommand,
  slaClockDecider,
  SlaClockState,
  SlaRule,
  SUBJECT_ID_FIELDS,
} from '../domain';
import { ClockRepository } from '../persistence/clock.repository';

export const CLOCK_STREAM = 'sla-clock';
const MONITOR: Actor = { id: 'sla-monitor', role: 'service' };

/** due clocks one run of the scheduler looks at */
export const DUE_LIMIT = 500;
/** due clocks fired in one transaction: one statement per step for all of them, instead of per clock */
const DUE_BATCH = 100;
/** transactions of due clocks at the same time (the pool has 10 connections) */
const DUE_CONCURRENCY = 2;

type Cause = { actor: Actor; causationId?: string; correlationId?: string };
type MonitoredEvent = IncomingEvent & { id: string; correlationId?: string | null };

/** The rules and calendar in force. */
export interface SlaSettings {
  rules: readonly SlaRule[];
  calendar: BusinessCalendar;
}

/**
 * Starts, stops, pauses and resumes clocks from the events that concern them, and fires warnings
 * and breaches when their time comes. Each clock is its own stream: firing appends with the version
 * read, so a warning or breach is recorded at most once however many monitors run or restart.
 */
export class SlaMonitor {
  private readonly commands: CommandHandler<SlaClockCommand, SlaEvent, SlaClockState, SlaClock>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly pipeline: AppendPipeline,
    private readonly clocks: ClockRepository,
    private readonly clock: Clock,
    private readonly settings: () => SlaSettings,
    /** a clock that could not be fired; the others fire regardless, and it is tried again next time */
    private readonly onClockFailure: (clockId: string, error: unknown) => void = () => undefined,
  ) {
    // the clock table is written for a whole batch at once (apply), not per clock
    this.commands = new CommandHandler(pipeline, clock, { streamType: CLOCK_STREAM, decider: slaClockDecider, exists: clockExists });
  }

  /** An event from another service, in the consumer's transaction. */
  async onEvent(manager: EntityManager, event: MonitoredEvent): Promise<void> {
    await this.onEvents(manager, [event]);
  }

  /**
   * Events from other services about distinct tickets and subjects, in one transaction (a backlog, a
   * bulk import): each gets exactly the commands onEvent would give it, all are decided and appended
   * at once (a conflict on any clock writes nothing), and each lookup and table write is one query for
   * all. Events about the same ticket or subject depend on each other's outcome: they are refused here,
   * send them to onEvent one after the other.
   */
  async onEvents(manager: EntityManager, events: readonly MonitoredEvent[]): Promise<void> {
    const { rules, calendar } = this.settings();
    const facts = events.map((event) => {
      const ticketId = typeof fieldOf(event.data, 'ticketId') === 'string' ? (fieldOf(event.data, 'ticketId') as string) : undefined;
      const stated = fieldOf(event.data, 'urgency');
      const statedUrgency = (URGENCIES as readonly unknown[]).includes(stated) ? (stated as Urgency) : undefined;
      const subjectIds = Object.values(SUBJECT_ID_FIELDS)
        .map((field) => fieldOf(event.data, field))
        .filter((id): id is string => typeof id === 'string');
      return { event, ticketId, statedUrgency, subjectIds };
    });
    const seen = new Set<string>();
    for (const { event, ticketId, subjectIds } of facts) {
      for (const id of new Set([...(ticketId !== undefined ? [ticketId] : []), ...subjectIds])) {
        if (seen.has(id)) throw new Error(`onEvents takes events about distinct tickets and subjects: ${id} comes again in event ${event.id}`);
        seen.add(id);
      }
    }
    const urgencies = await this.clocks.urgenciesOf(
      manager,
      facts.filter((f) => !f.statedUrgency && f.ticketId).map((f) => f.ticketId as string),
    );
    const known = await this.clocks.knownOf(manager, {
      ticketIds: facts.flatMap((f) => (f.ticketId !== undefined ? [f.ticketId] : [])),
      subjectIds: facts.flatMap((f) => f.subjectIds),
    });
    // only an event that starts a clock needs the stops that came before it (a ticket's id is a subject id too)
    const starting = facts.filter((f) => rules.some((rule) => firstMatch(rule.start, f.event)));
    const earlyStops = await this.clocks.earlyStopsOf(
      manager,
      starting.flatMap((f) => [...(f.ticketId !== undefined ? [f.ticketId] : []), ...f.subjectIds]),
    );
    const commands: SlaClockCommand[] = [];
    const causes = new Map<string, { event: MonitoredEvent; cause: Cause }>();
    for (const { event, ticketId, statedUrgency } of facts) {
      const urgency = statedUrgency ?? (ticketId ? urgencies.get(ticketId) : undefined);
      // the clocks of the other events' subjects are no concern of this one: commandsFor picks its own by id
      for (const command of commandsFor(event, rules, known, { calendar, urgency, earlyStops })) {
        const earlier = causes.get(command.clockId);
        if (earlier && earlier.event !== event) throw new Error(`onEvents takes events about distinct clocks: ${command.clockId} comes again in event ${event.id}`);
        commands.push(command);
        causes.set(command.clockId, { event, cause: { actor: MONITOR, causationId: event.id, correlationId: event.correlationId ?? event.id } });
      }
    }
    const outcome = await this.apply(manager, commands, (clockId) => (causes.get(clockId) as { cause: Cause }).cause);
    // the scheduler fired one of these clocks meanwhile: decide again on its new state (the consumer retries)
    if (outcome === 'conflict') throw new TransientFailure(`a clock of event ${events.map((e) => e.id).join(', ')} changed while deciding; retry`);
    await this.clocks.rememberEarlyStops(
      manager,
      facts.flatMap((f) => earlyStopsOf(f.event, rules, known)),
    );
    await this.clocks.rememberUrgencies(
      manager,
      facts.flatMap((f) => (f.ticketId && f.statedUrgency ? [{ ticketId: f.ticketId, urgency: f.statedUrgency }] : [])),
    );
  }

  /**
   * Fires every warning and breach due by now; returns how many clocks it looked at. Due clocks fire
   * `DUE_BATCH` to a transaction, `DUE_CONCURRENCY` transactions at a time. A batch that meets a
   * conflict (a clock changed meanwhile) or a failing clock writes nothing and is fired again clock by
   * clock, so one bad clock never holds back the others: it is reported and left due.
   */
  async runDue(limit = DUE_LIMIT): Promise<number> {
    const now = this.clock.now();
    const due = await this.clocks.due(this.dataSource, now, limit);
    const batches = Array.from({ length: Math.ceil(due.length / DUE_BATCH) }, (_, i) => due.slice(i * DUE_BATCH, (i + 1) * DUE_BATCH));
    let next = 0;
    const worker = async () => {
      while (next < batches.length) await this.fireBatch(batches[next++], now);
    };
    await Promise.all(Array.from({ length: Math.min(DUE_CONCURRENCY, batches.length) }, worker));
    return due.length;
  }

  private async fireBatch(clockIds: string[], now: Date): Promise<void> {
    const { calendar } = this.settings();
    const tick = (ids: string[]) =>
      this.dataSource.transaction((manager) =>
        this.apply(
          manager,
          ids.map((clockId) => ({ type: 'Tick', clockId, at: now, calendar })),
          () => ({ actor: MONITOR }),
        ),
      );
    if (clockIds.length > 1) {
      const outcome = await tick(clockIds).catch(() => 'failed' as const);
      if (outcome === 'applied') return;
    }
    for (const clockId of clockIds) {
      // a conflict alone means another monitor or an incoming event got there first: nothing to report
      await tick([clockId]).catch((error: unknown) => this.onClockFailure(clockId, error));
    }
  }

  async clockHistory(clockId: string): Promise<RecordedEvent[]> {
    return this.commands.history(this.dataSource, clockId);
  }

  /**
   * Decides every command on its clock's stream, appends all new events at once (a conflict means
   * another monitor or event got there first: nothing is written), then updates the clock table.
   */
  private async apply(manager: EntityManager, commands: SlaClockCommand[], causeOfClock: (clockId: string) => Cause): Promise<'applied' | 'conflict'> {
    if (commands.length === 0) return 'applied';
    const byClock = new Map<string, SlaClockCommand[]>();
    for (const command of commands) byClock.set(command.clockId, [...(byClock.get(command.clockId) ?? []), command]);

    // a refused command (e.g. a second start of a rule that runs once per subject) is left out
    const decided = await this.commands.decideAll(
      manager,
      [...byClock].map(([clockId, clockCommands]) => ({ id: clockId, command: clockCommands.map((command) => () => command), context: causeOfClock(clockId) })),
      { onRefused: 'skip' },
    );
    const changes = decided.filter((change): change is DecidedChange<SlaClock> => 'request' in change && change.request.events.length > 0);
    if (changes.length === 0) return 'applied';
    const committed = await commitChanges(manager, this.pipeline, changes);
    if (!committed.ok) return 'conflict';
    await this.clocks.saveAll(
      manager,
      changes.map((change, i) => ({ clock: committed.entities[i], version: change.version })),
    );
    return 'applied';
  }
}
