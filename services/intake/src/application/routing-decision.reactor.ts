import { Actor, isRole, RoutingDecisionEvent, Tier } from '@support/contracts';
import { TransientFailure } from '@support/event-store';
import { ConsumedEvent, EventContext, EventHandlers } from '@support/messaging';
import { Optional } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { TicketCommandInput } from '../domain';
import { causedBy } from './reaction-cause';
import { TicketCommands } from './ticket-commands.service';

/** what intake does with each routing decision; queue notices change no ticket */
export function ticketCommandFor(decision: RoutingDecisionEvent): TicketCommandInput | null {
  switch (decision.type) {
    case 'support.routing.assignment-decided.v1': {
      const { assignee, tier, reason, scenario } = decision.data;
      if (assignee.role === 'contractor') {
        return { type: 'DispatchToContractor', contractor: { id: assignee.id, name: assignee.name }, scenario: scenario ?? 'unspecified' };
      }
      return { type: 'Assign', assignee, tier: tier as Tier, reason };
    }
    case 'support.routing.escalation-decided.v1': {
      const { toTier, assignee, reason } = decision.data;
      return { type: 'Escalate', toTier, assignee, reason };
    }
    case 'support.routing.ticket-queued.v1':
      return null;
  }
}

export class ConcurrentTicketChange extends TransientFailure {}

/**
 * Turns routing's decisions into ticket events, with the decision's event id as causation and
 * the decider of it (routing itself, or the lead who chose) as actor, so the ticket history shows
 * who decided what and why. A decision the ticket has moved past (it was cancelled meanwhile) is
 * dropped: it no longer applies.
 */
@EventHandlers()
export class RoutingDecisionReactor {
  constructor(
    private readonly commands: TicketCommands,
    @Optional() private readonly onDropped: (decision: ConsumedEvent, reason: string) => void = () => undefined,
  ) {}

  // the decisions that change a ticket (see ticketCommandFor)
  @EventPattern(['support.routing.assignment-decided.v1', 'support.routing.escalation-decided.v1'], { group: 'routing-decisions' })
  async handle(@Payload() event: ConsumedEvent, @Ctx() { manager }: EventContext): Promise<void> {
    const decision = { type: event.type, data: event.data } as RoutingDecisionEvent;
    const command = ticketCommandFor(decision);
    if (!command) return;
    const actor: Actor = isRole(event.actor.role) ? { id: event.actor.id, role: event.actor.role } : { id: event.source, role: 'service' };
    const outcome = await this.commands.executeIn(manager, decision.data.ticketId, (at) => ({ ...command, ticketId: decision.data.ticketId, actor, at }), {
      actor,
      ...causedBy(event),
    });
    // someone changed the ticket between our read and our append: the consumer retries the event
    if (!outcome.ok && outcome.code === 'version-conflict') throw new ConcurrentTicketChange(outcome.reason);
    if (!outcome.ok) this.onDropped(event, outcome.reason);
  }
}
