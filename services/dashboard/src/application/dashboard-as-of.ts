import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IsoWeek, isoWeekOf, SlaEvent, TicketEvent } from '@support/contracts';
import { AsOfMark, Page, pageFrom, PageRequest, SortKey } from '@support/service-kit';
import {
  boardAfter,
  boardOrder,
  ClockRow,
  Deadline,
  inQueue,
  KpiEvent,
  nextDeadlines,
  NamedWeeklyReport,
  Observed,
  onBoardAt,
  QueueRow,
  queueOrder,
  weeklyReport,
  withMemberNames,
} from '../domain';
import { BOARD_CURSOR, DashboardTables, QUEUE_CURSOR } from '../persistence/dashboard.tables';
import { TEAM_TIME_ZONE_TOKEN } from './dashboard-projections';

/** What the queue, board and report filters are (as for the present reads). */
export interface QueueFilter {
  state?: string;
  tier?: string;
  assignee?: string;
}

/**
 * The queue, the SLA board and the weekly KPIs as they stood at an instant. The dashboard keeps no event
 * store: it folds the events it keeps one row each (its KPI events: every ticket, SLA clock and lead event)
 * up to the instant, with the same row functions and report as the live projections, never from the
 * projection tables, which hold only the present. Each answer is marked with the instant and the id of the
 * last event folded (in time order).
 */
@Injectable()
export class DashboardAsOf {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tables: DashboardTables,
    @Inject(TEAM_TIME_ZONE_TOKEN) private readonly timeZone: string,
  ) {}

  /** a page of the open tickets at `at`, urgent first, then oldest, each with its nearest running deadline then */
  async queue(
    filter: QueueFilter,
    at: Date,
    page: PageRequest<SortKey<typeof QUEUE_CURSOR>>,
  ): Promise<{ page: Page<QueueRow & { nextDeadline: Deadline | null }>; mark: AsOfMark }> {
    const { events, mark } = await this.upTo(at);
    const { tickets, clocks } = boardAfter(events as Array<Observed<TicketEvent | SlaEvent>>);
    const deadlines = nextDeadlines(clocks.values());
    const open = [...tickets.values()]
      .filter((row) => (filter.state ? row.state === filter.state : inQueue(row)))
      .filter((row) => (!filter.tier || row.tier === filter.tier) && (!filter.assignee || row.assignee?.id === filter.assignee))
      .sort(queueOrder)
      .map((row) => ({ ...row, nextDeadline: deadlines.get(row.ticketId) ?? null }));
    const keyOf = (row: QueueRow) => ({ later: row.urgency !== 'urgent', receivedAt: row.receivedAt, ticketId: row.ticketId });
    const after = (row: QueueRow, key: ReturnType<typeof keyOf>) =>
      queueOrder(row, { ...row, urgency: key.later ? null : 'urgent', receivedAt: key.receivedAt, ticketId: key.ticketId }) > 0;
    return { page: pageFrom(open, page, after, keyOf), mark };
  }

  /** a page of the board at `at`: running or paused clocks breached or past their warning time then, soonest due first */
  async slaBoard(at: Date, page: PageRequest<SortKey<typeof BOARD_CURSOR>>): Promise<{ page: Page<ClockRow>; mark: AsOfMark }> {
    const { events, mark } = await this.upTo(at);
    const board = [...boardAfter(events as Array<Observed<TicketEvent | SlaEvent>>).clocks.values()].filter((row) => onBoardAt(row, at)).sort(boardOrder);
    const after = (row: ClockRow, key: { dueAt: string; clockId: string }) => boardOrder(row, { ...row, dueAt: key.dueAt, clockId: key.clockId }) > 0;
    return { page: pageFrom(board, page, after, (row) => ({ dueAt: row.dueAt, clockId: row.clockId })), mark };
  }

  /** the weekly report (default: the week of `at`) from the events up to `at`; members named as the roster names them now */
  async weeklyReport(week: IsoWeek | undefined, at: Date): Promise<{ report: NamedWeeklyReport; mark: AsOfMark }> {
    const [{ events, mark }, members] = await Promise.all([this.upTo(at), this.tables.allMembers(this.dataSource)]);
    const report = weeklyReport(events, week ?? isoWeekOf(at, this.timeZone), this.timeZone);
    return { report: withMemberNames(report, new Map(members.map((m) => [m.memberId, m.name]))), mark };
  }

  private async upTo(at: Date): Promise<{ events: KpiEvent[]; mark: AsOfMark }> {
    const events = await this.tables.kpiEventsUpTo(this.dataSource, at);
    const last = events[events.length - 1];
    return { events, mark: { at, ...(last ? { position: last.id } : {}) } };
  }
}
