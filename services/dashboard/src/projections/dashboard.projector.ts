import { Inject, Optional } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EntityManager } from 'typeorm';
import { eventCatalogue, LEADS_TOPIC, LeadEvent, ROSTER_TOPIC, RosterEvent, SlaEvent, TicketEvent } from '@support/contracts';
import { ConsumedEvent, EventContext, EventHandlers } from '@support/messaging';
import { ClockRow, clockRowAfter, depthChange, DepthChange, LeadRow, leadRowAfter, MemberRow, memberRowAfter, Observed, QueueRow, queueRowAfter } from '../domain';
import { DashboardTables, TimelineEntry } from '../persistence/dashboard.tables';

// the events the weekly KPIs are folded from; the customers' timelines point at the ticket events among them
const KPI_FAMILIES = /^support\.(ticket|sla|lead)\./;

/** Injection token of what hears every projection change (the live page). */
export const PROJECTION_CHANGED = Symbol('ProjectionChanged');

/** What changed, for the live page (server-sent events): the row as it is now. */
export type ProjectionChange = { kind: 'ticket'; row: QueueRow } | { kind: 'clock'; row: ClockRow } | { kind: 'member'; row: MemberRow } | { kind: 'lead'; row: LeadRow };

/**
 * Keeps the dashboard's projections from every topic: the queue, the SLA board, the customers'
 * timelines, the KPI events, the members' names, where each lead is (the pool's waiting leads) and
 * the queue's depth changes.
 * A chunk of one partition's events is applied in the consumer's transaction (with its inbox rows)
 * in a few set-based statements: the rows it touches are read once, folded in memory by the pure
 * row functions, and written back once.
 */
@EventHandlers()
export class DashboardProjector {
  constructor(
    private readonly tables: DashboardTables,
    @Optional() @Inject(PROJECTION_CHANGED) private readonly changed: (change: ProjectionChange) => void = () => undefined,
  ) {}

  @EventPattern(eventCatalogue.typesOn(...eventCatalogue.topics()), {
    group: 'projections',
    batchSize: 2000,
    // a partition's rows are its own (tickets and clocks are keyed by id): decoding one chunk overlaps another's writes
    partitionsConcurrently: 4,
  })
  async projectBatch(@Payload() events: ConsumedEvent[], @Ctx() context: EventContext): Promise<void> {
    const { manager } = context;
    await this.tables.keepKpiEvents(
      manager,
      events.filter((e) => KPI_FAMILIES.test(e.type)),
    );
    const tickets = await this.projectTickets(
      events.filter((e) => e.type.startsWith('support.ticket.')),
      manager,
    );
    const clocks = await this.projectClocks(
      events.filter((e) => e.type.startsWith('support.sla.clock-')),
      manager,
    );
    const members = await this.projectKeyed(
      events.filter((e) => e.topic === ROSTER_TOPIC),
      {
        key: (data: RosterEvent['data']) => data.memberId,
        rows: (ids) => this.tables.membersById(manager, ids),
        after: (row: MemberRow | undefined, event: Observed<RosterEvent>) => memberRowAfter(row, event),
        save: (rows) => this.tables.saveMembers(manager, rows),
      },
    );
    // the lead's own topic only: the ratios (lead-policies topic) belong to no lead
    const leads = await this.projectKeyed(
      events.filter((e) => e.topic === LEADS_TOPIC),
      {
        key: (data: LeadEvent['data']) => data.leadId,
        rows: (ids) => this.tables.leadsById(manager, ids),
        after: (row: LeadRow | undefined, event: Observed<LeadEvent>) => leadRowAfter(row, event),
        save: (rows) => this.tables.saveLeads(manager, rows),
      },
    );
    // the live page hears of rows a reader can find: after the commit, and once even when the chunk is retried
    context.afterCommit(() => {
      for (const row of tickets) this.changed({ kind: 'ticket', row });
      for (const row of clocks) this.changed({ kind: 'clock', row });
      for (const row of members) this.changed({ kind: 'member', row });
      for (const row of leads) this.changed({ kind: 'lead', row });
    });
  }

  // the rows an aggregate's events fold into, one per key: read once, folded in memory, written back once
  private async projectKeyed<E extends { type: string; data: unknown }, Row>(
    events: ConsumedEvent[],
    table: {
      key: (data: E['data']) => string;
      rows: (keys: string[]) => Promise<Map<string, Row>>;
      after: (row: Row | undefined, event: Observed<E>) => Row | undefined;
      save: (rows: Row[]) => Promise<void>;
    },
  ): Promise<Row[]> {
    if (events.length === 0) return [];
    const rows = await table.rows(unique(events.map((e) => table.key(e.data as E['data']))));
    const changed = new Map<string, Row>();
    for (const consumed of events) {
      const event = { type: consumed.type, data: consumed.data, time: consumed.time } as Observed<E>;
      const key = table.key(event.data);
      const before = rows.get(key);
      const after = table.after(before, event);
      if (after && after !== before) {
        rows.set(key, after);
        changed.set(key, after);
      }
    }
    await table.save([...changed.values()]);
    return [...changed.values()];
  }

  private async projectTickets(events: ConsumedEvent[], manager: EntityManager): Promise<QueueRow[]> {
    if (events.length === 0) return [];
    const rows = await this.tables.tickets(manager, unique(events.map((e) => (e.data as TicketEvent['data']).ticketId)));
    const changed = new Map<string, QueueRow>();
    const timeline: TimelineEntry[] = [];
    const depth: Array<DepthChange & { eventId: string }> = [];
    for (const consumed of events) {
      const event = { type: consumed.type, data: consumed.data, time: consumed.time } as TicketEvent & { time: string };
      const { ticketId } = event.data;
      const before = rows.get(ticketId);
      const after = queueRowAfter(before, event);
      const delta = depthChange(before, after ?? before);
      if (delta !== 0) depth.push({ eventId: consumed.id, at: consumed.time, delta });
      if (after && after !== before) {
        rows.set(ticketId, after);
        changed.set(ticketId, after);
      }
      // every ticket event of a known customer goes to their timeline
      if (after?.customerId) timeline.push({ eventId: consumed.id, customerId: after.customerId, ticketId, at: consumed.time });
    }
    await this.tables.saveTickets(manager, [...changed.values()]);
    await this.tables.addToTimeline(manager, timeline);
    await this.tables.recordDepthChanges(manager, depth);
    return [...changed.values()];
  }

  private async projectClocks(events: ConsumedEvent[], manager: EntityManager): Promise<ClockRow[]> {
    if (events.length === 0) return [];
    const rows = await this.tables.clocks(manager, unique(events.map((e) => (e.data as SlaEvent['data']).clockId)));
    const changed = new Map<string, ClockRow>();
    for (const consumed of events) {
      const event = { type: consumed.type, data: consumed.data, time: consumed.time } as SlaEvent & { time: string };
      const before = rows.get(event.data.clockId);
      const after = clockRowAfter(before, event);
      if (after && after !== before) {
        rows.set(after.clockId, after);
        changed.set(after.clockId, after);
      }
    }
    await this.tables.saveClocks(manager, [...changed.values()]);
    return [...changed.values()];
  }
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}
