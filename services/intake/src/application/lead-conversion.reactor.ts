import { Inject, Optional } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { ERASED, LeadEvent } from '@support/contracts';
import { ConsumedEvent, EventContext, EventHandlers } from '@support/messaging';
import { PersonalDataOpening } from '@support/personal-data';
import { causedBy } from './reaction-cause';
import { TicketCommands } from './ticket-commands.service';

/**
 * Opens a ticket (channel `lead`) for every lead the lead pool converted, caused by the conversion
 * event (which names the member who worked the lead). The consumer's inbox makes a redelivered
 * conversion open nothing new; a conversion intake refuses (bad customer data) is dropped and reported.
 * The lead pool publishes the customer's values sealed with the lead's key: intake opens them, and seals
 * them again with the customer's own key when it records the ticket.
 */
@EventHandlers()
export class LeadConversionReactor {
  constructor(
    private readonly commands: TicketCommands,
    @Inject(PersonalDataOpening) private readonly personalData: PersonalDataOpening,
    @Optional() private readonly onDropped: (event: ConsumedEvent, reason: string) => void = () => undefined,
  ) {}

  /** the rest of a lead's life is lead-pool's business */
  readonly types = ['support.lead.converted.v1'] as const;

  @EventPattern(['support.lead.converted.v1'], { group: 'lead-conversions' })
  async handle(@Payload() consumed: ConsumedEvent, @Ctx() { manager }: EventContext): Promise<void> {
    if (consumed.type !== this.types[0]) return;
    const [event] = (await this.personalData.openEvents(manager, [{ type: consumed.type, data: consumed.data }])) as LeadEvent[];
    if (event.type !== this.types[0]) return;
    const { customer, deviceModel, problem, urgency } = event.data;
    if (Object.values(customer).includes(ERASED)) return this.onDropped(consumed, "the lead's personal data was erased");
    const requestedAt = new Date(consumed.time);
    const opened = await this.commands.openIn(
      manager,
      { channel: 'lead', customer: { ...customer }, deviceModel, problem, urgency, ...(Number.isNaN(requestedAt.getTime()) ? {} : { requestedAt }) },
      { actor: { id: consumed.source, role: 'service' }, ...causedBy(consumed) },
    );
    if ('refused' in opened) this.onDropped(consumed, opened.refused.reason);
  }
}
