import { EntityManager } from 'typeorm';
import { SlaEvent, TicketEvent } from '@support/contracts';
import { ConsumedEvent } from '@support/messaging';
import { ClockRow, DashboardTables, QueueRow } from '../persistence/dashboard.tables';

// the ticket's stage after each event that moves it (intake's transition table, as a reader sees it)
const STAGE_AFTER: Partial<Record<TicketEvent['type'], string>> = {
  'support.ticket.received.v1': 'received',
  'support.ticket.dispatched-to-contractor.v1': 'assigned',
  'support.ticket.contacted.v1': 'contacted',
  'support.ticket.diagnosed.v1': 'diagnosed',
  'support.ticket.quoted.v1': 'quoted',
  'support.ticket.quote-accepted.v1': 'in-progress',
  'support.ticket.quote-declined.v1': 'diagnosed',
  'support.ticket.on-site-scheduled.v1': 'on-site',
  'support.ticket.resolved.v1': 'resolved',
  'support.ticket.closed.v1': 'closed',
  'support.ticket.reopened.v1': 'reopened',
  'support.ticket.cancelled.v1': 'cancelled',
};
// an assignment moves a new or reopened ticket to `assigned`; a reassignment of one being worked keeps its stage
const ASSIGNABLE = new Set(['received', 'assigned', 'reopened']);
// the events the weekly KPIs are folded from
const KPI_FAMILIES = /^support\.(ticket|sla|lead)\./;

/** What changed, for the live page (server-sent events): the row as it is now, read in the same transaction. */
export type ProjectionChange = { kind: 'ticket'; ticket: QueueRow } | { kind: 'clock'; clock: ClockRow };

/**
 * Keeps the dashboard's projections from every topic, each event in the consumer's transaction (with
 * its inbox row): the queue, the SLA board, the customers' timelines and the KPI events. Every write
 * depends only on the event and earlier events of the same aggregate, so a replay gives the same rows.
 */
export class DashboardProjector {
  constructor(
    private readonly tables: DashboardTables,
    private readonly changed: (change: ProjectionChange) => void = () => undefined,
  ) {}

  readonly project = async (consumed: ConsumedEvent, manager: EntityManager): Promise<void> => {
    if (KPI_FAMILIES.test(consumed.type)) await this.tables.keepKpiEvent(manager, consumed);
    if (consumed.type.startsWith('support.ticket.')) await this.onTicket(consumed, manager);
    if (consumed.type.startsWith('support.sla.clock-')) await this.onClock(consumed, manager);
  };

  private async onTicket(consumed: ConsumedEvent, manager: EntityManager): Promise<void> {
    const event = { type: consumed.type, data: consumed.data } as TicketEvent;
    const { ticketId } = event.data;
    const at = consumed.time;
    if (event.type === 'support.ticket.received.v1') {
      const { customerId, urgency, channel, deviceModel, receivedAt } = event.data;
      await this.tables.openTicket(manager, { ticketId, customerId, urgency, channel, deviceModel, receivedAt, at });
    } else if (event.type === 'support.ticket.assigned.v1' || event.type === 'support.ticket.escalated.v1') {
      const current = await this.tables.stageOf(manager, ticketId);
      const tier = event.type === 'support.ticket.assigned.v1' ? event.data.tier : event.data.toTier;
      await this.tables.assign(manager, ticketId, { assignee: event.data.assignee, tier, stage: current && ASSIGNABLE.has(current) ? 'assigned' : current, at });
    } else if (event.type === 'support.ticket.dispatched-to-contractor.v1') {
      await this.tables.assign(manager, ticketId, { assignee: event.data.assignee, tier: 'L1', stage: 'assigned', at });
    } else if (STAGE_AFTER[event.type]) {
      await this.tables.moveTo(manager, ticketId, STAGE_AFTER[event.type] as string, at);
    }
    await this.tables.addToTimeline(manager, consumed, ticketId);
    const ticket = await this.tables.ticket(manager, ticketId);
    if (ticket) this.changed({ kind: 'ticket', ticket });
  }

  private async onClock(consumed: ConsumedEvent, manager: EntityManager): Promise<void> {
    const event = { type: consumed.type, data: consumed.data } as SlaEvent;
    const { clockId } = event.data;
    const at = consumed.time;
    switch (event.type) {
      case 'support.sla.clock-started.v1':
        await this.tables.startClock(manager, { clockId, ticketId: event.data.ticketId, ruleId: event.data.ruleId, dueAt: event.data.dueAt, warnAt: event.data.warnAt, at });
        break;
      case 'support.sla.clock-paused.v1':
        await this.tables.updateClock(manager, clockId, { status: 'paused' }, at);
        break;
      case 'support.sla.clock-resumed.v1':
        await this.tables.updateClock(manager, clockId, { status: 'running', dueAt: event.data.dueAt, warnAt: event.data.warnAt }, at);
        break;
      case 'support.sla.clock-warned.v1':
        await this.tables.updateClock(manager, clockId, { warned: true }, at);
        break;
      case 'support.sla.clock-breached.v1':
        await this.tables.updateClock(manager, clockId, { breached: true }, at);
        break;
      case 'support.sla.clock-met.v1':
        await this.tables.updateClock(manager, clockId, { status: 'met' }, at);
        break;
      case 'support.sla.clock-cancelled.v1':
        await this.tables.updateClock(manager, clockId, { status: 'cancelled' }, at);
        break;
    }
    const clock = await this.tables.clock(manager, clockId);
    if (clock) this.changed({ kind: 'clock', clock });
  }
}
