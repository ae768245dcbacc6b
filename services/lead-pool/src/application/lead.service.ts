import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, isoWeekOf, LeadContact, RecordedEvent, Urgency } from '@support/contracts';
import { CommandInput, CommandRefusal } from '@support/decider';
import { CommandContext, CommandOutcome, IdempotencyStore, OnceOutcome } from '@support/command-handling';
import { lockAllForTransaction } from '@support/event-store';
import { SubjectKeys } from '@support/personal-data';
import { mapPage, Page, PageRequest, SERVICE_SCHEMA, SortKey } from '@support/service-kit';
import { CaptureLead, EraseLead, Lead, LeadCommand, leadExists, LedgerLine, ledgerLines, PoolWaiting, poolWaiting, WaitingReason, waitingReason } from '../domain';
import { LEAD_CURSOR, LeadPoolRepository, LeadScope, LeadView } from '../persistence/lead-pool.repository';
import { LeadAllocator } from './lead-allocator';
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

export type Captured = { ok: true; leadId: string; merged: boolean; version: number } | CommandRefusal;

/** a capture's answer: the lead, whether the contact was in the pool already, and the lead's version then */
export interface CapturedLead {
  id: string;
  merged: boolean;
  version: number;
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
  constructor(
    private readonly dataSource: DataSource,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    private readonly aggregates: LeadPoolAggregates,
    private readonly repository: LeadPoolRepository,
    private readonly allocator: LeadAllocator,
    private readonly idempotency: IdempotencyStore,
    private readonly personalData: LeadPersonalData,
    @Inject(SubjectKeys) private readonly keys: SubjectKeys,
  ) {}

  /** the ISO week the ledger books into now, by the service's clock */
  currentWeek(): string {
    return isoWeekOf(this.aggregates.clock.now());
  }

  /** a capture, once per Idempotency-Key: the same key and body answer the first capture's lead again */
  async capture(input: CaptureInput, context: CommandContext, idempotencyKey?: string): Promise<OnceOutcome<CapturedLead, CommandRefusal>> {
    const captured = await this.idempotency.once<CapturedLead, CommandRefusal>(
      this.dataSource,
      { operation: 'capture-lead', caller: context.actor.id },
      idempotencyKey,
      input,
      async (manager) => {
        const outcome = await this.captureIn(manager, input, context);
        return outcome.ok ? { status: outcome.merged ? 200 : 201, body: { id: outcome.leadId, merged: outcome.merged, version: outcome.version } } : { refused: outcome };
      },
    );
    if ('body' in captured && !captured.replayed && !captured.body.merged) await this.allocator.runSoon();
    return captured;
  }

  private async captureIn(manager: EntityManager, input: CaptureInput, context: CommandContext): Promise<Captured> {
    // two captures of one contact at once: the second sees the first and merges (locked by digest: no clear value in a lock's name)
    const contact = this.personalData.digestsOfClear(input.contact);
    const keys = Object.entries(contact).map(([kind, digest]: [string, Buffer]) => `${kind}:${digest.toString('hex')}`);
    await lockAllForTransaction(
      manager,
      keys.sort().map((key) => `${this.schema}:contact:${key}`),
    );
    const existing = await this.repository.openLeadByContact(manager, contact);
    if (existing) {
      const merged = await this.aggregates.leads.handleIn(
        manager,
        existing.leadId,
        (at) => ({ type: 'MergeDuplicate', leadId: existing.leadId, source: input.source, ...(input.note ? { note: input.note } : {}), actor: context.actor, at }),
        context,
      );
      return merged.ok ? { ok: true, leadId: existing.leadId, merged: true, version: merged.version } : merged;
    }
    const leadId = randomUUID();
    const outcome = await this.aggregates.leads.handleIn(manager, leadId, (at) => ({ type: 'CaptureLead', leadId, ...input, actor: context.actor, at }), context);
    if (!outcome.ok) return outcome;
    await this.repository.addToLedger(manager, this.currentWeek(), input.source.memberId, { contributed: 1 });
    return { ok: true, leadId, merged: false, version: outcome.version };
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

// a lead, an analyst and other systems read the whole pool; a member only their own leads
function scopeOf(reader: Actor): LeadScope {
  const all = reader.role === 'lead' || reader.role === 'analyst' || reader.role === 'service';
  return all ? {} : { member: reader.id };
}

function withoutName(customer: Conversion['customer']): LeadContact {
  return { ...(customer?.phone ? { phone: customer.phone } : {}), ...(customer?.wechat ? { wechat: customer.wechat } : {}) };
}
