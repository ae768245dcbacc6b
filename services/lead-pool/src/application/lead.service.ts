import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, isoWeekOf, LeadContact, RecordedEvent, Urgency } from '@support/contracts';
import { CommandInput, CommandRefusal } from '@support/decider';
import {
  CommandContext,
  CommandOutcome,
  commitChanges,
  Creation,
  CreatingRequest,
  DecidedChange,
  GroupCommit,
  IdempotencyStore,
  keyedGroupCommit,
  Loaded,
  OnceOutcome,
} from '@support/command-handling';
import { lockAllForTransaction, TransientFailure } from '@support/event-store';
import { activeTraceContext } from '@support/messaging';
import { SubjectKeys } from '@support/personal-data';
import { mapPage, Page, PageRequest, SERVICE_SCHEMA, SortKey } from '@support/service-kit';
import { CaptureLead, EraseLead, Lead, LeadCommand, leadExists, LedgerLine, ledgerLines, LeadState, PoolWaiting, poolWaiting, WaitingReason, waitingReason } from '../domain';
import { ContactDigests, LEAD_CURSOR, LeadPoolRepository, LeadScope, LeadView, LedgerChange } from '../persistence/lead-pool.repository';
import { ALLOCATION_BATCH, AllocatedLead, LeadAllocator } from './lead-allocator';
import { LeadPersonalData } from './lead-personal-data';
import { leadSeenBy } from './lead-reading.policy';
import { LeadPoolAggregates, POLICY_ID } from './lead-pool.aggregates';

/** a lead as read: a pooled one says why it waits, by the ratios and roster as they are now */
export type LeadReading = LeadView & { waitingReason?: WaitingReason };

/** the weekly ledger: each member's line, and the pool's waiting leads as they are now */
export interface Ledger {
  week: string;
  members: LedgerLine[];
  pool: PoolWaiting;
}

export type CaptureInput = Omit<CommandInput<CaptureLead, 'leadId' | 'type'>, never>;

/**
 * A capture's answer: the lead, whether the contact was in the pool already, and the lead's version then;
 * a new lead's status (and holder) as its capture's transaction left it (allocated in it, or pooled).
 */
export interface CapturedLead {
  id: string;
  merged: boolean;
  version: number;
  status?: string;
  allocatedTo?: string;
}

export interface Conversion {
  customer?: { name?: string } & LeadContact;
  deviceModel: string;
  problem: string;
  urgency: Urgency;
}

/**
 * Leads from capture to ticket: a capture with a contact already in the pool is merged into the first
 * lead (its source keeps the credit); after every change that frees or adds a lead, the allocator runs.
 */
@Injectable()
export class LeadService {
  private readonly captures: GroupCommit<CreatingRequest<CaptureInput>, OnceOutcome<CapturedLead, CommandRefusal>>;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    private readonly aggregates: LeadPoolAggregates,
    private readonly repository: LeadPoolRepository,
    private readonly allocator: LeadAllocator,
    private readonly idempotency: IdempotencyStore,
    private readonly personalData: LeadPersonalData,
    @Inject(SubjectKeys) private readonly keys: SubjectKeys,
  ) {
    this.captures = keyedGroupCommit({
      dataSource,
      idempotency,
      operation: 'capture-lead',
      createAll: (manager, captures) => this.captureAllIn(manager, captures),
      // two captures of one contact never share a group: the second merges into the first's lead
      slotsOf: ({ input }) => this.contactLocks(this.personalData.digestsOfClear(input.contact)),
    });
  }

  /** the ISO week the ledger books into now, by the service's clock */
  currentWeek(): string {
    return isoWeekOf(this.aggregates.clock.now());
  }

  /**
   * A capture, once per Idempotency-Key: the same key and body answer the first capture's lead again.
   * Captures that arrive together share a transaction (group commit), each answered as if it had been alone.
   */
  async capture(input: CaptureInput, context: CommandContext, idempotencyKey?: string): Promise<OnceOutcome<CapturedLead, CommandRefusal>> {
    // the caller's trace, taken now: the group is written in the context of whichever request leads it
    const trace = context.trace ?? activeTraceContext();
    return this.captures.submit({ input, context: trace ? { ...context, trace } : context, idempotencyKey });
  }

  /**
   * Captures in the caller's transaction, in a fixed number of statements however many: their contacts
   * locked (by digest: no clear value in a lock's name) and looked up together, one append for every
   * capture and merge, one write per table; then, under the allocator's lock, the new leads are handed out
   * by the ratios (allocations stay serial). A capture whose contact is in the pool already is merged into
   * that lead (its source keeps the credit); a second capture of a contact waits for the first's transaction
   * (the contact's lock; never in its group), and merges. Outcomes are in the order given.
   */
  private async captureAllIn(manager: EntityManager, captures: ReadonlyArray<CreatingRequest<CaptureInput>>): Promise<Array<Creation<CapturedLead, CommandRefusal>>> {
    const contacts = captures.map(({ input }) => this.personalData.digestsOfClear(input.contact));
    await lockAllForTransaction(manager, [...new Set(contacts.flatMap((contact) => this.contactLocks(contact)))].sort());
    const existing = await this.repository.openLeadsByContacts(manager, contacts);
    const { changes, outcomes } = await this.decideCaptures(manager, captures, contacts, existing);
    const committed = await commitChanges(
      manager,
      this.aggregates.pipeline,
      changes.map(({ change }) => change),
    );
    if (!committed.ok) {
      // alone, a merge that raced another change of its lead is this capture's answer; a group is written one at a time
      if (captures.length === 1) return [{ refused: committed }];
      throw new Error(`a capture raced a change of its lead: ${committed.reason}`);
    }
    const at = this.aggregates.clock.now();
    await this.repository.saveLeads(
      manager,
      committed.entities.map((lead, i) => ({ lead, version: changes[i].change.version, at, contact: changes[i].contact })),
    );
    const captured = changes.filter(({ contact }) => contact !== undefined);
    const allocated = new Map((captured.length > 0 ? await this.allocateWhatWaitsIn(manager) : []).map(({ lead, version }) => [lead.leadId, { lead, version }]));
    // the ledger's rows after the allocator's lock, as every allocation books them: taken before it, a group's
    // rows and another transaction's allocation would each wait for what the other holds (a deadlock, a 500)
    await this.repository.addToLedgerAll(manager, this.currentWeek(), contributions(captured.map(({ index }) => captures[index].input.source.memberId)));
    for (const { index, change, contact } of changes) {
      const merged = contact === undefined;
      // a new lead as the group leaves it: handed out already, or pooled
      const now = allocated.get(change.id) ?? { lead: change.entity, version: change.version };
      outcomes[index] = merged
        ? { status: 200, body: { id: change.id, merged, version: change.version } }
        : { status: 201, body: { id: change.id, merged, version: now.version, status: now.lead.status, ...(now.lead.allocatedTo ? { allocatedTo: now.lead.allocatedTo } : {}) } };
    }
    return outcomes;
  }

  /** each capture decided: a merge into the open lead of its contact (`existing`), or a new lead; the refused answered */
  private async decideCaptures(
    manager: EntityManager,
    captures: ReadonlyArray<CreatingRequest<CaptureInput>>,
    contacts: readonly ContactDigests[],
    existing: ReadonlyArray<{ leadId: string } | undefined>,
  ): Promise<{ changes: CaptureChange[]; outcomes: Array<Creation<CapturedLead, CommandRefusal>> }> {
    const merging = existing.flatMap((found) => found?.leadId ?? []);
    // two contacts of one lead (a phone, a WeChat id) in one group: one at a time, each merging in turn
    if (new Set(merging).size < merging.length) throw new Error('two captures of the group merge into one lead');
    const leads = await this.aggregates.leads.loadAll(manager, merging);
    const outcomes: Array<Creation<CapturedLead, CommandRefusal>> = [];
    const changes: CaptureChange[] = [];
    for (const [index, { input, context }] of captures.entries()) {
      const found = existing[index];
      const leadId = found?.leadId ?? randomUUID();
      // the rows of the whole group are written together below
      const decided = found
        ? await this.aggregates.leads.decideLoaded(
            manager,
            leadId,
            leads.get(leadId) as Loaded<LeadState>,
            (at) => ({ type: 'MergeDuplicate', leadId, source: input.source, ...(input.note ? { note: input.note } : {}), actor: context.actor, at }),
            context,
            { saveView: false },
          )
        : this.aggregates.leads.decideNew(leadId, (at) => ({ type: 'CaptureLead', leadId, ...input, actor: context.actor, at }), context, { saveView: false });
      if ('request' in decided) changes.push({ index, change: decided, ...(found ? {} : { contact: contacts[index] }) });
      else outcomes[index] = { refused: decided };
    }
    return { changes, outcomes };
  }

  /** the names of a contact's locks: by digest, no clear value */
  private contactLocks(contact: ContactDigests): string[] {
    return Object.entries(contact).map(([kind, digest]: [string, Buffer]) => `${this.schema}:contact:${kind}:${digest.toString('hex')}`);
  }

  // should the allocation race a change of a pooled lead, the captures stand and their leads wait for the next run
  private async allocateWhatWaitsIn(manager: EntityManager): Promise<AllocatedLead[]> {
    try {
      const allocated = await this.allocator.allocatePendingIn(manager);
      // more than a batch waited: the rest right after this commits (the run waits for this transaction's allocator lock)
      if (allocated.length >= ALLOCATION_BATCH) this.allocator.kick();
      return allocated;
    } catch (error) {
      if (!(error instanceof TransientFailure)) throw error;
      this.allocator.kick();
      return [];
    }
  }

  async execute(leadId: string, command: CommandInput<LeadCommand, 'leadId'>, context: CommandContext): Promise<CommandOutcome<Lead>> {
    const outcome = await this.dataSource.transaction(async (manager) => {
      const { state } = await this.aggregates.leads.load(manager, leadId);
      const result = await this.aggregates.leads.handleIn(manager, leadId, (at) => ({ ...command, leadId, actor: context.actor, at }) as LeadCommand, context);
      // a declined lead is owed to its member again under the ratios, and goes to the next member
      if (result.ok && command.type === 'DeclineLead' && leadExists(state) && state.allocatedTo && state.policyVersion) {
        await this.allocator.takeBack(manager, state.allocatedTo, state.policyVersion, this.aggregates.clock.now());
      }
      if (result.ok && command.type === 'ConvertLead') await this.repository.markConverted(manager, leadId, result.events[0].id);
      return result;
    });
    if (outcome.ok && (command.type === 'DeclineLead' || command.type === 'LoseLead')) await this.allocator.runSoon();
    return outcome;
  }

  /** Converts an accepted lead into a ticket; the customer defaults to the lead's handle and contact. */
  async convert(leadId: string, conversion: Conversion, context: CommandContext): Promise<CommandOutcome<Lead>> {
    const lead = await this.find(leadId);
    const customer = { name: conversion.customer?.name ?? lead?.customerHandle ?? '', ...(lead?.contact ?? {}), ...withoutName(conversion.customer) };
    return this.execute(leadId, { type: 'ConvertLead', customer, deviceModel: conversion.deviceModel, problem: conversion.problem, urgency: conversion.urgency }, context);
  }

  /**
   * The lead as `reader` may see it: a lead or analyst every lead (an analyst masked), a member those they
   * brought in or hold; nothing otherwise, as for a lead that does not exist. Without a reader (the
   * service's own answers): any lead, clear.
   */
  async find(leadId: string, reader?: Actor): Promise<LeadReading | undefined> {
    const lead = await this.repository.lead(this.dataSource, leadId, reader ? scopeOf(reader) : {});
    const reading = lead && (await this.withWaitingReasons(await this.personalData.openLeads(this.dataSource, [lead])))[0];
    return reading && reader ? leadSeenBy(reader.role, reading) : reading;
  }

  /** a lead or analyst sees every lead (an analyst masked); a member those they brought in or hold */
  async list(actor: Actor, status: string | undefined, page: PageRequest<SortKey<typeof LEAD_CURSOR>>): Promise<Page<LeadReading>> {
    const stored = await this.repository.findLeads(this.dataSource, { status, ...scopeOf(actor) }, page);
    return mapPage(stored, async (items) => (await this.withWaitingReasons(await this.personalData.openLeads(this.dataSource, items))).map((lead) => leadSeenBy(actor.role, lead)));
  }

  /** per member: contributed, received, expected under the ratios of each allocation, and the pool's wait now */
  async ledger(week: string): Promise<Ledger> {
    const [bookings, allocations, policy, waiting] = await Promise.all([
      this.repository.ledgerOf(this.dataSource, week),
      this.repository.allocationsOf(this.dataSource, week),
      this.repository.policyView(this.dataSource, POLICY_ID),
      this.repository.poolWaiting(this.dataSource),
    ]);
    return {
      week,
      members: ledgerLines(bookings, allocations, policy?.history ?? [], policy?.ratios ?? []),
      pool: poolWaiting(waiting.waiting, waiting.oldestSince, this.aggregates.clock.now()),
    };
  }

  // read once for all the leads, and only when one is pooled
  private async withWaitingReasons(leads: LeadView[]): Promise<LeadReading[]> {
    if (!leads.some((lead) => lead.status === 'pooled')) return leads;
    const [policy, roster] = await Promise.all([this.repository.policyView(this.dataSource, POLICY_ID), this.repository.members(this.dataSource)]);
    return leads.map((lead) => {
      const reason = waitingReason(lead, policy?.ratios, roster);
      return reason ? { ...lead, waitingReason: reason } : lead;
    });
  }

  /** the lead's events, or none when there is no such lead or `reader` may not see it (as {@link find}) */
  async history(leadId: string, reader: Actor): Promise<RecordedEvent[]> {
    const lead = await this.repository.lead(this.dataSource, leadId, scopeOf(reader));
    if (!lead) return [];
    return this.personalData.openHistory(this.dataSource, await this.aggregates.leads.history(this.dataSource, leadId), lead.erased === true);
  }

  /** Erases the prospect's personal data: the erasure recorded and the lead's key destroyed, together. */
  async erase(leadId: string, reason: string, context: CommandContext): Promise<CommandOutcome<Lead>> {
    return this.dataSource.transaction((manager) => this.eraseIn(manager, leadId, { reason }, context));
  }

  /**
   * The erasure in the caller's transaction (a customer's erasure reaches several leads at once): every
   * value sealed with the lead's key reads `[erased]` from then on, in the event table, on the topic and
   * in the leads table (whose contact digests go too); the hash chain covers the ciphertext and still verifies.
   */
  async eraseIn(manager: EntityManager, leadId: string, erasure: Pick<EraseLead, 'reason' | 'customerId'>, context: CommandContext): Promise<CommandOutcome<Lead>> {
    const erased = await this.aggregates.leads.handleIn(manager, leadId, (at) => ({ type: 'EraseLead', leadId, ...erasure, actor: context.actor, at }), context);
    if (erased.ok) await this.keys.destroy(manager, leadId, erased.events[0].occurredAt);
    return erased;
  }
}

/** a capture decided: which one, its change, and a new lead's contact digests (none for a merge) */
interface CaptureChange {
  index: number;
  change: DecidedChange<Lead>;
  contact?: ContactDigests;
}

/** each member's contributions to the ledger: one per lead they brought in */
function contributions(sources: readonly string[]): Map<string, LedgerChange> {
  const byMember = new Map<string, LedgerChange>();
  for (const memberId of sources) byMember.set(memberId, { contributed: (byMember.get(memberId)?.contributed ?? 0) + 1 });
  return byMember;
}

// a lead, an analyst and other systems read the whole pool; a member only their own leads
function scopeOf(reader: Actor): LeadScope {
  const all = reader.role === 'lead' || reader.role === 'analyst' || reader.role === 'service';
  return all ? {} : { member: reader.id };
}

function withoutName(customer: Conversion['customer']): LeadContact {
  return { ...(customer?.phone ? { phone: customer.phone } : {}), ...(customer?.wechat ? { wechat: customer.wechat } : {}) };
}
