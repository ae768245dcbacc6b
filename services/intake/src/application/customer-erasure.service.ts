import { Injectable } from '@nestjs/common';
import { SubjectKeys } from '@support/personal-data';
import { DataSource } from 'typeorm';
import { eraseAt } from '@support/contracts';
import { Rejection, VersionConflict } from '@support/decider';
import { CommandContext } from '@support/command-handling';
import { EventStore } from '@support/event-store';
import { CustomerDirectory } from '../persistence/customer-directory.repository';
import { OutboxCopies } from '../persistence/outbox-copies.repository';
import { TicketViewRepository } from '../persistence/ticket-view.repository';
import { personalDataOf } from './personal-data/personal-data.pointers';
import { TicketCommands } from './ticket-commands.service';

export type ErasureOutcome = { ok: true; customerId: string; version: number } | Rejection | VersionConflict;

/**
 * Erases a customer's personal data without touching a recorded event: records
 * `support.customer.erased.v1`, destroys the customer's data key (every value sealed with it now reads
 * `[erased]`, and the hash chains still verify, they cover the ciphertext), forgets the customer's
 * contacts in the directory, and rewrites the clear copies intake's outbox kept. All in one transaction.
 */
@Injectable()
export class CustomerErasure {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly commands: TicketCommands,
    private readonly views: TicketViewRepository,
    private readonly customers: CustomerDirectory,
    private readonly keys: SubjectKeys,
    private readonly outboxCopies: OutboxCopies,
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
      const ticketIds = await this.views.ticketIdsOf(manager, customerId);
      const erased = await this.commands.customerStreams.handleIn(
        manager,
        customerId,
        (at) => ({ type: 'EraseCustomer', customerId, reason, ticketIds, actor: context.actor, at }),
        context,
      );
      if (!erased.ok) return erased;
      const at = erased.events[0].occurredAt;

      await this.keys.destroy(manager, customerId, at);
      await this.customers.erase(manager, customerId, at);
      const streams = await this.store.readStreams(manager, [customerId, ...ticketIds]);
      const personal = [...streams.values()].flat().filter((event) => personalDataOf(event.type).length > 0);
      await this.outboxCopies.rewrite(
        manager,
        personal.map((event) => event.id),
        (type, payload) => eraseAt(payload, personalDataOf(type)),
      );
      return { ok: true as const, customerId, version: erased.version };
    });
  }
}
