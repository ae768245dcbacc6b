import { Optional } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { LeadEvent } from '@support/contracts';
import { ConsumedEvent, EventContext, EventHandlers } from '@support/messaging';
import { causedBy } from './reaction-cause';
import { TicketCommands } from './ticket-commands.service';

/**
 * Opens a ticket (channel `lead`) for every lead the lead pool converted, caused by the conversion
 * event (which names the member who worked the lead). The consumer's inbox makes a redelivered
 * conversion open nothing new; a conversion intake refuses (bad customer data) is dropped and reported.
 */
@EventHandlers()
export class LeadConversionReactor {
  constructor(
    private readonly commands: TicketCommands,
    @Optional() private readonly onDropped: (event: ConsumedEvent, reason: string) => void = () => undefined,
  ) {}

  /** the rest of a lead's life is lead-pool's business */
  readonly types = ['support.lead.converted.v1'] as const;

  @EventPattern(['support.lead.converted.v1'], { group: 'lead-conversions' })
  async handle(@Payload() consumed: ConsumedEvent, @Ctx() { manager }: EventContext): Promise<void> {
    const event = { type: consumed.type, data: consumed.data } as LeadEvent;
    if (event.type !== this.types[0]) return;
    const { customer, deviceModel, problem, urgency } = event.data;
    const requestedAt = new Date(consumed.time);
    const opened = await this.commands.openIn(
      manager,
      { channel: 'lead', customer: { ...customer }, deviceModel, problem, urgency, ...(Number.isNaN(requestedAt.getTime()) ? {} : { requestedAt }) },
      { actor: { id: consumed.source, role: 'service' }, ...causedBy(consumed) },
    );
    if ('refused' in opened) this.onDropped(consumed, opened.refused.reason);
  }
}
