import { DataSource } from 'typeorm';
import { Clock, CustomerEvent, envelopeOf, eraseAt, foldEvents, RecordedEvent, Rejection, VersionConflict } from '@support/contracts';
import { customerDecider } from '../domain';
import { CustomerDirectory } from '../persistence/customer-directory.repository';
import { CustomerKeys } from '../persistence/customer-keys.repository';
import { OutboxCopies } from '../persistence/outbox-copies.repository';
import { TicketViewRepository } from '../persistence/ticket-view.repository';
import { personalDataOf } from './personal-data/personal-data.pointers';
import { SealingEventStore } from './personal-data/sealing-event-store';
import { CommandContext, CUSTOMER_STREAM } from './ticket-commands.service';

export type ErasureOutcome = { ok: true; customerId: string; version: number } | Rejection | VersionConflict;

/**
 * Erases a customer's personal data without touching a recorded event: records
 * `support.customer.erased.v1`, destroys the customer's data key (every value sealed with it now reads
 * `[erased]`, and the hash chains still verify, they cover the ciphertext), forgets the customer's
 * contacts in the directory, and rewrites the clear copies intake's outbox kept. All in one transaction.
 */
export class CustomerErasure {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: SealingEventStore,
    private readonly views: TicketViewRepository,
    private readonly customers: CustomerDirectory,
    private readonly keys: CustomerKeys,
    private readonly outboxCopies: OutboxCopies,
    private readonly clock: Clock,
  ) {}

  /** the customer stream's version, which the erasure's If-Match names */
  async version(customerId: string): Promise<number> {
    return (await this.store.readStream(this.dataSource, customerId)).length;
  }

  async erase(customerId: string, reason: string, context: CommandContext): Promise<ErasureOutcome> {
    return this.dataSource.transaction(async (manager) => {
      // a ticket opened meanwhile by the same contact either commits first (and is erased too) or finds no customer
      const record = await this.customers.get(manager, customerId);
      if (record) await this.customers.lockContacts(manager, [record]);
      const history = await this.store.readStream(manager, customerId);
      const version = history.length;
      if (context.expectedVersion !== undefined && context.expectedVersion !== version) {
        return { ok: false as const, code: 'version-conflict' as const, reason: `customer ${customerId} is at version ${version}, not ${context.expectedVersion}` };
      }
      const ticketIds = await this.views.ticketIdsOf(manager, customerId);
      const at = this.clock.now();
      const decision = customerDecider.decide(
        { type: 'EraseCustomer', customerId, reason, ticketIds, actor: context.actor, at },
        foldEvents(customerDecider, history.map(asCustomerEvent)),
      );
      if (!decision.ok) return decision;
      const appended = await this.store.append(manager, {
        streamType: CUSTOMER_STREAM,
        streamId: customerId,
        expectedVersion: version,
        events: decision.events.map((event) => envelopeOf(event, context, at)),
      });
      if (!appended.ok) return { ok: false as const, code: 'version-conflict' as const, reason: `customer ${customerId} changed while being erased` };

      await this.keys.destroy(manager, customerId, at);
      await this.customers.erase(manager, customerId, at);
      const streams = await this.store.readStreams(manager, [customerId, ...ticketIds]);
      const personal = [...streams.values()].flat().filter((event) => personalDataOf(event.type).length > 0);
      await this.outboxCopies.rewrite(manager, personal.map((event) => event.id), (type, payload) => eraseAt(payload, personalDataOf(type)));
      return { ok: true as const, customerId, version: appended.version };
    });
  }
}

function asCustomerEvent(event: RecordedEvent): CustomerEvent {
  return { type: event.type, data: event.data } as CustomerEvent;
}
