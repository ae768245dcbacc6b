import { Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { CustomerEvent, CUSTOMERS_TOPIC, eventCatalogue } from '@support/contracts';
import { ConsumedEvent, EventContext, EventHandlers } from '@support/messaging';
import { SubjectKeys } from '@support/personal-data';

/**
 * When intake erases a customer, destroys the keys field-service sealed their tickets' visits and sheets
 * with under a ticket's own id (tickets it knew before it kept their customer, see
 * KnownTicketsRepository.subjectOf); everything else of theirs is sealed with the customer's key, which
 * intake destroyed. A destroyed key stays keyless, so nothing of that ticket is sealed again (409).
 */
@EventHandlers()
export class CustomerErasureReactor {
  constructor(@Inject(SubjectKeys) private readonly keys: SubjectKeys) {}

  @EventPattern(eventCatalogue.typesOn(CUSTOMERS_TOPIC), { group: 'customer-erasures' })
  async onCustomerEvent(@Payload() consumed: ConsumedEvent, @Ctx() { manager }: EventContext): Promise<void> {
    const event = { type: consumed.type, data: consumed.data } as CustomerEvent;
    if (event.type !== 'support.customer.erased.v1') return;
    const sealedUnderTicket = [...(await this.keys.keysOf(manager, event.data.ticketIds))].filter(([, key]) => key !== null).map(([ticketId]) => ticketId);
    for (const ticketId of sealedUnderTicket) await this.keys.destroy(manager, ticketId, new Date(consumed.time));
  }
}
