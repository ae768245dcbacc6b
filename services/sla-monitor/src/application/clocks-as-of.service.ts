import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RecordedEvent, SlaEvent } from '@support/contracts';
import { EventStore, recordedBy } from '@support/event-store';
import { AsOfMark, Page, pageFrom, PageRequest } from '@support/service-kit';
import { BusinessCalendar, calendarAt, CLOCK_ENDING_EVENTS, clockAt, ClockRisk, remainingMinutesAt, riskAt, SlaClock, SlaPolicyChanged } from '../domain';
import { ClockCursor, ClockRepository, ClockRow } from '../persistence/clock.repository';
import { CLOCK_STREAM } from './sla-monitor.service';
import { POLICY_STREAM } from './sla-policy.service';

/** A clock as a read shows it: its row and the minutes left at the instant read. */
export type ClockSeen = ClockRow & { remainingMinutes: number | null };

/**
 * The clocks as they stood at an instant, folded from their events recorded up to it (never from the clocks
 * table, which holds only the present), with the calendar of the policy in force then. Each answer is marked
 * with the instant and the highest global position among the events it folded.
 */
@Injectable()
export class ClocksAsOf {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly clocks: ClockRepository,
  ) {}

  /** a ticket's clocks at `at`, each with its time left then (the clocks that had started by then), oldest first */
  async ofTicket(ticketId: string, at: Date): Promise<{ clocks: ClockSeen[]; mark: AsOfMark }> {
    // the clocks table names every clock the ticket has now: those it had at the instant are among them
    const ids = (await this.clocks.ofTicket(this.dataSource, ticketId)).map((clock) => clock.clockId);
    const streams = await this.store.readStreams(this.dataSource, ids);
    const { clocks, mark } = await this.folded(new Map([...streams].map(([id, events]) => [id, recordedBy(events, at)])), at, () => true);
    return { clocks: clocks.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.clockId.localeCompare(b.clockId)), mark };
  }

  /** a page of the clocks at risk or breached at `at`, soonest due first, then id (as the present list) */
  async byRisk(risk: ClockRisk, at: Date, page: PageRequest<ClockCursor>): Promise<{ page: Page<ClockSeen>; mark: AsOfMark }> {
    // only a clock still open at the instant can be at risk or breached then (riskAt): the ended ones are never read
    const streams = await this.store.readStreamsOfType(this.dataSource, CLOCK_STREAM, { asOf: at, endingTypes: CLOCK_ENDING_EVENTS });
    const { clocks, mark } = await this.folded(streams, at, (clock) => riskAt(clock, at) === risk);
    const sorted = clocks.sort(dueThenId);
    return {
      page: pageFrom(
        sorted,
        page,
        (clock, after) => dueThenId(clock, after) > 0,
        (clock) => ({ dueAt: clock.dueAt, clockId: clock.clockId }),
      ),
      mark,
    };
  }

  // each stream folded and ticked at the instant, with the calendar of the policy in force then; those `keep`
  // keeps, as read; marked with the highest global position among the events folded (the policy's too)
  private async folded(streams: Map<string, RecordedEvent[]>, at: Date, keep: (clock: SlaClock) => boolean): Promise<{ clocks: ClockSeen[]; mark: AsOfMark }> {
    const policy = recordedBy(await this.store.readStream(this.dataSource, POLICY_STREAM), at);
    const calendar = calendarAt(policy as unknown as SlaPolicyChanged[]);
    const clocks: ClockSeen[] = [];
    let position: bigint | undefined;
    for (const events of [policy, ...streams.values()]) {
      const clock = events === policy ? undefined : clockAt(events as unknown as SlaEvent[], at, calendar);
      if (clock && keep(clock)) clocks.push(seenAt(clock, events.length, at, calendar));
      for (const event of events) if (position === undefined || BigInt(event.globalPosition) > position) position = BigInt(event.globalPosition);
    }
    return { clocks, mark: { at, ...(position !== undefined ? { position: position.toString() } : {}) } };
  }
}

function seenAt(clock: SlaClock, version: number, at: Date, calendar: BusinessCalendar): ClockSeen {
  return {
    clockId: clock.clockId,
    ruleId: clock.ruleId,
    subject: clock.subject,
    ...(clock.ticketId !== undefined ? { ticketId: clock.ticketId } : {}),
    status: clock.status,
    timeBasis: clock.timeBasis,
    startedAt: clock.startedAt.toISOString(),
    dueAt: clock.dueAt.toISOString(),
    warnAt: clock.warnAt.toISOString(),
    warned: clock.warned,
    breached: clock.breached,
    version,
    remainingMinutes: remainingMinutesAt(clock, at, calendar),
  };
}

function dueThenId(a: Pick<ClockSeen, 'dueAt' | 'clockId'>, b: Pick<ClockSeen, 'dueAt' | 'clockId'>): number {
  return Date.parse(a.dueAt) - Date.parse(b.dueAt) || (a.clockId < b.clockId ? -1 : a.clockId > b.clockId ? 1 : 0);
}
