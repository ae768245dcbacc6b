import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { SlaEventOf } from '@support/contracts';
import { ConsumedEvent, EventContext, EventHandlers } from '@support/messaging';
import { ConcurrentTicketChange } from './routing-decision.reactor';
import { causedBy } from './reaction-cause';
import { TicketCommands } from './ticket-commands.service';

/**
 * Puts every SLA breach of a ticket in its history, and when the breach asks for it (an urgent
 * ticket nobody contacted in time) requests an escalation in the same append, which routing then
 * carries out. The breach is recorded even where an escalation is not possible (L3, or resolved).
 */
@EventHandlers()
export class SlaBreachReactor {
  constructor(private readonly commands: TicketCommands) {}

  /** the one SLA event that changes a ticket: warnings, starts and stops of clocks pass by */
  readonly types = ['support.sla.clock-breached.v1'] as const;

  @EventPattern(['support.sla.clock-breached.v1'], { group: 'sla-breaches' })
  async handle(@Payload() event: ConsumedEvent, @Ctx() { manager }: EventContext): Promise<void> {
    if (event.type !== this.types[0]) return;
    const breach = event.data as SlaEventOf<'support.sla.clock-breached.v1'>['data'];
    if (!breach.ticketId) return;
    const ticketId = breach.ticketId;
    const actor = { id: event.source, role: 'service' as const };
    const record = (at: Date) => ({
      type: 'RecordSlaBreach' as const,
      ticketId,
      actor,
      at,
      clockId: breach.clockId,
      ruleId: breach.ruleId,
      dueAt: new Date(breach.dueAt),
      lateByMinutes: breach.lateByMinutes,
    });
    const escalate = (at: Date) => ({ type: 'RequestEscalation' as const, ticketId, actor, at, reason: `SLA ${breach.ruleId} breached (due ${breach.dueAt})` });
    const outcome = await this.commands.executeIn(manager, ticketId, breach.action === 'escalate' ? [record, escalate] : [record], {
      actor,
      ...causedBy(event),
    });
    if (!outcome.ok && outcome.code === 'version-conflict') throw new ConcurrentTicketChange(outcome.reason);
  }
}
