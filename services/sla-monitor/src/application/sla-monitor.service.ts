import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, Clock, foldEvents, NewEvent, RecordedEvent, SlaEvent, URGENCIES, Urgency } from '@support/contracts';
import { AppendRequest, EventStore } from '@support/event-store';
import { BusinessCalendar, commandsFor, fieldOf, IncomingEvent, SlaClock, SlaClockCommand, slaClockDecider, SlaRule, SUBJECT_ID_FIELDS } from '../domain';
import { ClockRepository } from '../persistence/clock.repository';

export const CLOCK_STREAM = 'sla-clock';
const MONITOR: Actor = { id: 'sla-monitor', role: 'service' };

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
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly clocks: ClockRepository,
    private readonly clock: Clock,
    private readonly settings: () => SlaSettings,
  ) {}

  /** An event from another service, in the consumer's transaction. */
  async onEvent(manager: EntityManager, event: IncomingEvent & { id: string; correlationId?: string | null }): Promise<void> {
    const { rules, calendar } = this.settings();
    const ticketId = typeof fieldOf(event.data, 'ticketId') === 'string' ? (fieldOf(event.data, 'ticketId') as string) : undefined;
    const stated = fieldOf(event.data, 'urgency');
    const statedUrgency = (URGENCIES as readonly unknown[]).includes(stated) ? (stated as Urgency) : undefined;
    const urgency = statedUrgency ?? (ticketId ? await this.clocks.urgencyOf(manager, ticketId) : undefined);
    const subjectIds = Object.values(SUBJECT_ID_FIELDS)
      .map((field) => fieldOf(event.data, field))
      .filter((id): id is string => typeof id === 'string');
    const known = await this.clocks.known(manager, { ticketId, subjectIds });
    const commands = commandsFor(event, rules, known, { calendar, urgency });
    await this.apply(manager, commands, { actor: MONITOR, causationId: event.id, correlationId: event.correlationId ?? event.id });
    if (ticketId && statedUrgency) await this.clocks.rememberUrgency(manager, ticketId, statedUrgency);
  }

  /** Fires every warning and breach due by now; returns how many clocks it looked at. */
  async runDue(limit = 500): Promise<number> {
    const now = this.clock.now();
    const due = await this.clocks.due(this.dataSource, now, limit);
    const { calendar } = this.settings();
    for (const clockId of due) {
      await this.dataSource.transaction((manager) => this.apply(manager, [{ type: 'Tick', clockId, at: now, calendar }], { actor: MONITOR }));
    }
    return due.length;
  }

  async clockHistory(clockId: string): Promise<RecordedEvent[]> {
    return this.store.readStream(this.dataSource, clockId);
  }

  /**
   * Decides every command on its clock's stream, appends all new events at once (a conflict means
   * another monitor got there first: nothing is written), then updates the clock table.
   */
  private async apply(manager: EntityManager, commands: SlaClockCommand[], cause: { actor: Actor; causationId?: string; correlationId?: string }): Promise<void> {
    if (commands.length === 0) return;
    const byClock = new Map<string, SlaClockCommand[]>();
    for (const command of commands) byClock.set(command.clockId, [...(byClock.get(command.clockId) ?? []), command]);

    const requests: AppendRequest[] = [];
    const results: Array<{ state: SlaClock; version: number }> = [];
    for (const [clockId, clockCommands] of byClock) {
      const history = await this.store.readStream(manager, clockId);
      let state = foldEvents(slaClockDecider, history.map((e) => ({ type: e.type, data: e.data }) as SlaEvent));
      const events: SlaEvent[] = [];
      for (const command of clockCommands) {
        const decision = slaClockDecider.decide(command, state);
        if (!decision.ok) continue; // e.g. a second start of a rule that runs once per subject
        events.push(...decision.events);
        state = decision.events.reduce(slaClockDecider.evolve, state);
      }
      if (events.length === 0 || !('clockId' in state)) continue;
      requests.push({ streamType: CLOCK_STREAM, streamId: clockId, expectedVersion: history.length, events: events.map((e) => this.envelope(e, cause)) });
      results.push({ state: state as SlaClock, version: history.length + events.length });
    }
    if (requests.length === 0) return;
    const appended = await this.store.appendAll(manager, requests);
    if (appended.some((r) => !r.ok)) return;
    for (const { state, version } of results) await this.clocks.save(manager, state, version);
  }

  private envelope(event: SlaEvent, cause: { actor: Actor; causationId?: string; correlationId?: string }): NewEvent {
    const id = randomUUID();
    return {
      id,
      type: event.type,
      data: event.data,
      occurredAt: this.clock.now(),
      metadata: { actor: cause.actor, causationId: cause.causationId ?? null, correlationId: cause.correlationId ?? cause.causationId ?? id },
    };
  }
}

/** Calls `runDue` every `intervalMs` until stopped. */
export class SlaScheduler {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly monitor: SlaMonitor,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  private stopped = false;

  start(): void {
    const loop = async () => {
      this.running = this.monitor.runDue().catch(this.onError);
      const fired = await this.running;
      // a full batch means more is due: go again at once
      if (!this.stopped) this.timer = setTimeout(loop, fired === 500 ? 0 : this.intervalMs);
    };
    this.timer = setTimeout(loop, this.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
