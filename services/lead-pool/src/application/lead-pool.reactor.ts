import { CustomerEvent, CUSTOMERS_TOPIC, RosterEvent, TicketEvent, eventCatalogue, ROSTER_TOPIC, TICKETS_TOPIC } from '@support/contracts';
import { CommandRefusal } from '@support/decider';
import { TransientFailure } from '@support/event-store';
import { commitChanges, DecidedChange } from '@support/command-handling';
import { ConsumedEvent, EventContext, EventHandlers } from '@support/messaging';
import { Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { PersonalDataOpening } from '@support/personal-data';
import { leadExists } from '../domain';
import { LeadPoolRepository } from '../persistence/lead-pool.repository';
import { ALLOCATION_BATCH, LEAD_POOL, LeadAllocator } from './lead-allocator';
import { LeadPersonalData } from './lead-personal-data';
import { LeadPoolAggregates } from './lead-pool.aggregates';
import { LeadService } from './lead.service';

/** the pool's consumer group of routing's roster topic: its inbox is what the pool took in of the roster (the what-if replays that) */
export const ROSTER_GROUP = 'roster';

/** the consumer retries the event: a lead changed between read and append */
export class ConcurrentLeadChange extends TransientFailure {}

/**
 * What the pool learns from other services: who is on the roster and on duty (routing's roster
 * events), every ticket opened (intake): one for a contact a member holds as an un-accepted lead
 * is flagged as hoarding; one caused by a conversion is linked to its lead; and every customer erased
 * (intake): the leads that became or were flagged for one of their tickets are erased too. A member
 * coming on duty takes the leads waiting for them at once.
 */
@EventHandlers()
export class LeadPoolReactor {
  constructor(
    private readonly aggregates: LeadPoolAggregates,
    private readonly repository: LeadPoolRepository,
    private readonly allocator: LeadAllocator,
    private readonly leads: LeadService,
    private readonly personalData: LeadPersonalData,
    @Inject(PersonalDataOpening) private readonly opening: PersonalDataOpening,
  ) {}

  @EventPattern(eventCatalogue.typesOn(ROSTER_TOPIC), { group: ROSTER_GROUP })
  async onRosterEvent(@Payload() consumed: ConsumedEvent, @Ctx() { manager }: EventContext): Promise<void> {
    const event = { type: consumed.type, data: consumed.data } as RosterEvent;
    switch (event.type) {
      case 'support.member.registered.v1':
        return this.repository.saveMember(manager, { memberId: event.data.memberId, role: event.data.role, onDuty: false });
      case 'support.member.went-on-duty.v1': {
        // the pooled leads waiting for the member go in this transaction
        await this.repository.saveMember(manager, { memberId: event.data.memberId, onDuty: true });
        const allocated = (await this.allocator.allocatePendingIn(manager, ALLOCATION_BATCH)).length;
        // more than a batch waited: the rest right after this commits (the run waits for this transaction's allocator lock)
        if (allocated >= ALLOCATION_BATCH) this.allocator.kick();
        return;
      }
      case 'support.member.went-off-duty.v1':
        return this.repository.saveMember(manager, { memberId: event.data.memberId, onDuty: false });
    }
  }

  @EventPattern(eventCatalogue.typesOn(TICKETS_TOPIC), { group: 'ticket-events' })
  async onTicketEvent(@Payload() consumed: ConsumedEvent, @Ctx() { manager }: EventContext): Promise<void> {
    if (consumed.type !== 'support.ticket.received.v1') return;
    // intake publishes the customer's values sealed with their key: opened here, only to digest the contact
    const [event] = (await this.opening.openEvents(manager, [{ type: consumed.type, data: consumed.data }])) as TicketEvent[];
    if (event.type !== 'support.ticket.received.v1') return;
    const { ticketId, customer } = event.data;
    const contact = this.personalData.digestsOfClear(customer);
    const flags: Array<{ leadId: string; memberId: string; leadStatus: string }> = [];
    const changes: Array<DecidedChange<unknown>> = [];
    for (const { leadId } of await this.repository.heldLeadsByContact(manager, contact)) {
      const { state } = await this.aggregates.leads.load(manager, leadId);
      if (!leadExists(state)) continue;
      // who holds it: the member it was given to, or (still pooled) the one who brought it in
      const memberId = state.status === 'allocated' && state.allocatedTo ? state.allocatedTo : state.source.memberId;
      const decided = await this.aggregates.leads.decide(manager, leadId, (at) => ({ type: 'FlagHoarding', leadId, ticketId, memberId, actor: LEAD_POOL, at }), {
        actor: LEAD_POOL,
        causationId: consumed.id,
        correlationId: consumed.correlationId ?? consumed.id,
      });
      if (!('request' in decided)) continue;
      changes.push(decided);
      flags.push({ leadId, memberId, leadStatus: state.status });
    }
    const committed = await commitChanges(manager, this.aggregates.pipeline, changes);
    if (!committed.ok) throw new ConcurrentLeadChange((committed as CommandRefusal).reason);
    for (const flag of flags) await this.repository.flag(manager, { ...flag, ticketId });
    if (consumed.causationId) await this.repository.linkTicket(manager, consumed.causationId, ticketId);
  }

  @EventPattern(eventCatalogue.typesOn(CUSTOMERS_TOPIC), { group: 'customer-erasures' })
  async onCustomerEvent(@Payload() consumed: ConsumedEvent, @Ctx() { manager }: EventContext): Promise<void> {
    const event = { type: consumed.type, data: consumed.data } as CustomerEvent;
    if (event.type !== 'support.customer.erased.v1') return;
    const { customerId, reason, ticketIds } = event.data;
    const context = { actor: LEAD_POOL, causationId: consumed.id, correlationId: consumed.correlationId ?? consumed.id };
    for (const leadId of await this.repository.leadIdsOfTickets(manager, ticketIds)) {
      const erased = await this.leads.eraseIn(manager, leadId, { reason, customerId }, context);
      // erased already (by a lead, for another customer, or this event again): nothing more to do
      if (!erased.ok && erased.code === 'version-conflict') throw new ConcurrentLeadChange(erased.reason);
      if (!erased.ok && erased.code !== 'illegal-transition') throw new Error(`lead ${leadId} could not be erased: ${erased.reason}`);
    }
  }
}
