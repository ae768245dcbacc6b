import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { eraseAt, eventCatalogue, updateAt, valueAt } from '@support/contracts';
import { SqlExecutor } from '@support/event-store';
import { PersonalDataOpening } from '@support/personal-data';
import { LEAD_PERSONAL_DATA } from '../domain';
import { ContactDigests, LeadPoolRepository } from '../persistence/lead-pool.repository';
import { ContactIndex } from './contact-index';

const INDEXING_BATCH = 500;

type EventLike = { type: string; data: unknown };

/**
 * A lead's personal data as the pool stores it: sealed with the lead's own key (the event table, the
 * topic, the leads table's state), opened here for readers who may see it, one key lookup per read;
 * `[erased]` once the key is destroyed. Contacts are matched by their digests (ContactIndex), made from
 * the opened values.
 */
@Injectable()
export class LeadPersonalData {
  constructor(
    @Inject(PersonalDataOpening) private readonly opening: PersonalDataOpening,
    private readonly index: ContactIndex,
    private readonly repository: LeadPoolRepository,
  ) {}

  /** the leads (views or states) with their personal values opened, in copies */
  async openLeads<L extends object>(executor: SqlExecutor, leads: readonly L[]): Promise<L[]> {
    const width = LEAD_PERSONAL_DATA.length;
    const opened = await this.opening.openValues(
      executor,
      leads.flatMap((lead) => LEAD_PERSONAL_DATA.map((pointer) => valueAt(lead, pointer))),
    );
    return leads.map((lead, i) => LEAD_PERSONAL_DATA.reduce((copy, pointer, j) => updateAt(copy, pointer, () => opened[i * width + j]) as L, lead));
  }

  /** a lead's events opened; an erased lead's read `[erased]` even where they were recorded clear (before sealing) */
  async openHistory<E extends EventLike>(executor: SqlExecutor, events: readonly E[], erased: boolean): Promise<E[]> {
    if (erased) return events.map((event) => ({ ...event, data: eraseAt(event.data, personalDataOf(event.type)) }));
    return this.opening.openEvents(executor, events);
  }

  /** the digests of a contact as stored (sealed values opened in the caller's transaction) */
  async digestsOf(executor: SqlExecutor, contact: object): Promise<ContactDigests> {
    const [phone, wechat] = await this.opening.openValues(executor, [valueAt(contact, '/phone'), valueAt(contact, '/wechat')]);
    return this.index.of({ phone, wechat });
  }

  /** the digests of a clear contact (a capture's, a ticket's opened) */
  digestsOfClear(contact: { phone?: unknown; wechat?: unknown }): ContactDigests {
    return this.index.of(contact);
  }

  /** Indexes the leads stored before the contact index, from their state; answers how many. */
  async indexStoredContacts(dataSource: DataSource): Promise<number> {
    let indexed = 0;
    for (;;) {
      const batch = await dataSource.transaction(async (manager) => {
        const leads = await this.repository.unindexedContacts(manager, INDEXING_BATCH);
        for (const { leadId, contact } of leads) await this.repository.indexContact(manager, leadId, await this.digestsOf(manager, contact));
        return leads.length;
      });
      indexed += batch;
      if (batch < INDEXING_BATCH) return indexed;
    }
  }
}

function personalDataOf(type: string): readonly string[] {
  return eventCatalogue.has(type) ? (eventCatalogue.definition(type).personalData ?? []) : [];
}
