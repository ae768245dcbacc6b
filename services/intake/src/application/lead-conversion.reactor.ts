import { EntityManager } from 'typeorm';
import { LeadEvent } from '@support/contracts';
import { ConsumedEvent } from '@support/messaging';
import { causedBy } from './reaction-cause';
import { TicketCommands } from './ticket-commands.service';

/**
 * Opens a ticket (channel `lead`) for every lead the lead pool converted, caused by the conversion
 * event (which names the member who worked the lead). The consumer's inbox makes a redelivered
 * conversion open nothing new; a conversion intake refuses (bad customer data) is dropped and reported.
 */
export class LeadConversionReactor {
  constructor(
    private readonly commands: TicketCommands,
    private readonly onDropped: (event: ConsumedEvent, reason: string) => void = () => undefined,
  ) {}

  /** the rest of a lead's life is lead-pool's business */
  readonly types = ['support.lead.converted.v1'] as const;

  readonly handle = async (consumed: ConsumedEvent, manager: EntityManager): Promise<void> => {
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
  };
}
