import { DataSource, EntityManager } from 'typeorm';
import { Actor, isoWeekOf } from '@support/contracts';
import { commitChanges, DecidedChange, lockForTransaction } from '@support/event-store';
import { leadExists, nextMember } from '../domain';
import { LeadPoolRepository } from '../persistence/lead-pool.repository';
import { LeadPoolAggregates, POLICY_ID } from './lead-pool.aggregates';

export const LEAD_POOL: Actor = { id: 'lead-pool', role: 'service' };
const BATCH = 500;

/**
 * Hands pooled leads out by the preset ratios, and takes back allocations nobody accepted in time.
 * One allocator at a time (an advisory lock): the counts each member kept under the ratios in force
 * are its whole state, stored with every allocation, so a restart continues the same sequence.
 */
export class LeadAllocator {
  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
    private readonly aggregates: LeadPoolAggregates,
    private readonly repository: LeadPoolRepository,
  ) {}

  /** takes back expired allocations, then allocates what is pooled; returns how many leads were allocated */
  async runDue(): Promise<number> {
    await this.expireDue();
    let allocated = 0;
    for (let batch = await this.allocatePending(); batch > 0; batch = await this.allocatePending()) allocated += batch;
    return allocated;
  }

  /** one batch of pooled leads, oldest first, in one transaction */
  async allocatePending(limit = BATCH): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      await lockForTransaction(manager, `${this.schema}:allocator`);
      const policy = await this.repository.policyView(manager, POLICY_ID);
      if (!policy) return 0;
      const counts = await this.repository.counts(manager, policy.policyVersion);
      const members = new Map((await this.repository.members(manager)).map((m) => [m.memberId, m]));
      // contractors never take part; off-duty members are skipped now and caught up later
      const available = (memberId: string) => members.get(memberId)?.role !== 'contractor' && members.get(memberId)?.onDuty === true;
      const changes: Array<DecidedChange<unknown>> = [];
      const picked: string[] = [];
      for (const leadId of await this.repository.pooledLeadIds(manager, limit)) {
        const { state } = await this.aggregates.leads.load(manager, leadId);
        const declined = leadExists(state) ? state.declinedBy : [];
        const pick = nextMember(policy.ratios, counts, (memberId) => available(memberId) && !declined.includes(memberId));
        if (!('memberId' in pick)) continue;
        const acceptBy = (at: Date) => new Date(at.getTime() + policy.acceptMinutes * 60_000);
        const decided = await this.aggregates.leads.decide(
          manager,
          leadId,
          (at) => ({ type: 'AllocateLead', leadId, memberId: pick.memberId, policyVersion: policy.policyVersion, acceptBy: acceptBy(at), actor: LEAD_POOL, at }),
          { actor: LEAD_POOL },
        );
        if (!('request' in decided)) continue;
        changes.push(decided);
        picked.push(pick.memberId);
        counts.set(pick.memberId, (counts.get(pick.memberId) ?? 0) + 1);
      }
      const committed = await commitChanges(manager, this.aggregates.store, changes);
      if (!committed.ok) throw new Error(`allocation raced a change of a lead: ${committed.reason}`);
      const week = isoWeekOf(this.aggregates.clock.now());
      for (const memberId of picked) {
        await this.repository.addCount(manager, policy.policyVersion, memberId, 1);
        await this.repository.addToLedger(manager, week, memberId, { received: 1 });
      }
      return changes.length;
    });
  }

  /** allocations not accepted by their deadline go back to the pool (the member will not get that lead again) */
  async expireDue(limit = BATCH): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const now = this.aggregates.clock.now();
      const changes: Array<DecidedChange<unknown>> = [];
      const returned: Array<{ memberId: string; policyVersion: number }> = [];
      for (const leadId of await this.repository.expiredLeadIds(manager, now, limit)) {
        const decided = await this.aggregates.leads.decide(manager, leadId, (at) => ({ type: 'ExpireAllocation', leadId, actor: LEAD_POOL, at }), { actor: LEAD_POOL });
        if (!('request' in decided)) continue;
        const { state } = await this.aggregates.leads.load(manager, leadId);
        if (leadExists(state) && state.allocatedTo && state.policyVersion) returned.push({ memberId: state.allocatedTo, policyVersion: state.policyVersion });
        changes.push(decided);
      }
      const committed = await commitChanges(manager, this.aggregates.store, changes);
      if (!committed.ok) throw new Error(`expiry raced a change of a lead: ${committed.reason}`);
      for (const { memberId, policyVersion } of returned) await this.takeBack(manager, memberId, policyVersion, now);
      return changes.length;
    });
  }

  /** a returned allocation does not count as received: the member's share is owed again */
  async takeBack(manager: EntityManager, memberId: string, policyVersion: number, at: Date): Promise<void> {
    await this.repository.addCount(manager, policyVersion, memberId, -1);
    await this.repository.addToLedger(manager, isoWeekOf(at), memberId, { received: -1 });
  }
}

