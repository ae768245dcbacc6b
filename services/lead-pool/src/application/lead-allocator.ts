import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { isoWeekOf } from '@support/contracts';
import { commitChanges, DecidedChange, Loaded } from '@support/command-handling';
import { lockForTransaction, TransientFailure } from '@support/event-store';
import { BACKGROUND_ERRORS, SERVICE_SCHEMA } from '@support/service-kit';
import { eligibleMembers, Lead, LEAD_POOL, leadExists, LeadState, nextMember } from '../domain';
import { LeadPoolRepository } from '../persistence/lead-pool.repository';
import { LeadPoolAggregates, POLICY_ID } from './lead-pool.aggregates';

export { LEAD_POOL };
export const ALLOCATION_BATCH = 500;
// a lead changed between planning and the append (merged, lost): nothing was written, so plan again
const PLANS = 3;

/** a lead as an allocation left it, at its version then */
export interface AllocatedLead {
  lead: Lead;
  version: number;
}

interface Plan {
  policyVersion: number;
  changes: Array<DecidedChange<Lead>>;
  picked: string[];
}

/**
 * Hands pooled leads out by the preset ratios, and takes back allocations nobody accepted in time.
 * One allocator at a time (an advisory lock): the counts each member kept under the ratios in force
 * are its whole state, stored with every allocation, so a restart continues the same sequence.
 */
@Injectable()
export class LeadAllocator {
  private running?: Promise<void>;
  private again = false;
  private nextRun?: Promise<number>;
  private lastRun: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    private readonly aggregates: LeadPoolAggregates,
    private readonly repository: LeadPoolRepository,
    @Inject(BACKGROUND_ERRORS) private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** takes back expired allocations, then allocates what is pooled; returns how many leads were allocated */
  async runDue(): Promise<number> {
    await this.expireDue();
    let allocated = 0;
    for (let batch = await this.allocatePending(); batch > 0; batch = await this.allocatePending()) allocated += batch;
    return allocated;
  }

  /**
   * A run of {@link runDue} that starts after this call: callers that come together share one (each
   * waits for a run that sees what it committed before calling), so concurrent captures take the
   * allocator's lock once, not once each.
   */
  runSoon(): Promise<number> {
    this.nextRun ??= this.lastRun.then(() => {
      // callers from here on need a run that starts later
      this.nextRun = undefined;
      return this.runDue();
    });
    const run = this.nextRun;
    this.lastRun = run.catch(() => undefined);
    return run;
  }

  /**
   * Runs {@link runDue} in the background, after the caller's transaction if it holds the allocator's
   * lock (the run waits for it); a kick while one runs makes it run once more. Errors go to onError.
   */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.runDue().catch(this.onError);
      } while (this.again);
    })().finally(() => (this.running = undefined));
  }

  /** resolves once no kicked or shared run is under way (before the data source closes) */
  async idle(): Promise<void> {
    await Promise.all([this.running, this.lastRun]);
  }

  /** one batch of pooled leads, oldest first, in one transaction; how many were allocated */
  async allocatePending(limit = ALLOCATION_BATCH): Promise<number> {
    return (await this.dataSource.transaction((manager) => this.allocatePendingIn(manager, limit))).length;
  }

  /**
   * One batch in the caller's transaction: e.g. the roster reactor's, as a member comes on duty, or the
   * captures' group commit. The leads' streams are read in one query, their allocations appended in one
   * call, their rows and the counts written in one statement per table. Answers the leads as allocated.
   */
  async allocatePendingIn(manager: EntityManager, limit = ALLOCATION_BATCH): Promise<AllocatedLead[]> {
    await lockForTransaction(manager, `${this.schema}:allocator`);
    for (let attempt = 1; ; attempt++) {
      const plan = await this.plan(manager, limit);
      if (!plan || plan.changes.length === 0) return [];
      const committed = await commitChanges(manager, this.aggregates.pipeline, plan.changes);
      if (committed.ok) {
        const at = this.aggregates.clock.now();
        const allocated = committed.entities.map((lead, i) => ({ lead, version: plan.changes[i].version }));
        await this.repository.saveLeads(
          manager,
          allocated.map((each) => ({ ...each, at })),
        );
        await this.book(manager, plan);
        return allocated;
      }
      // transient: the roster consumer retries its event, the tick its run
      if (attempt >= PLANS) throw new TransientFailure(`allocation raced a change of a lead: ${committed.reason}`);
    }
  }

  // who gets which lead; only leads someone eligible may take are read, and none while nobody is eligible
  private async plan(manager: EntityManager, limit: number): Promise<Plan | undefined> {
    const inputs = await this.repository.allocationInputs(manager, POLICY_ID);
    if (!inputs) return undefined;
    const { policy, roster, counts } = inputs;
    // contractors never take part; off-duty members are skipped now and caught up later
    const eligible = eligibleMembers(policy.ratios, roster);
    if (eligible.length === 0) return undefined;
    const acceptBy = (at: Date) => new Date(at.getTime() + policy.acceptMinutes * 60_000);
    const plan: Plan = { policyVersion: policy.policyVersion, changes: [], picked: [] };
    const pooled = await this.repository.allocatableLeads(manager, eligible, limit);
    const leads = await this.aggregates.leads.loadAll(
      manager,
      pooled.map(({ leadId }) => leadId),
    );
    for (const { leadId, declinedBy } of pooled) {
      const pick = nextMember(policy.ratios, counts, (memberId) => eligible.includes(memberId) && !declinedBy.includes(memberId));
      if (!('memberId' in pick)) continue;
      const decided = await this.aggregates.leads.decideLoaded(
        manager,
        leadId,
        leads.get(leadId) as Loaded<LeadState>,
        (at) => ({ type: 'AllocateLead', leadId, memberId: pick.memberId, policyVersion: policy.policyVersion, acceptBy: acceptBy(at), actor: LEAD_POOL, at }),
        { actor: LEAD_POOL },
        // the rows of the whole batch are written together
        { saveView: false },
      );
      if (!('request' in decided)) continue;
      plan.changes.push(decided);
      plan.picked.push(pick.memberId);
      counts.set(pick.memberId, (counts.get(pick.memberId) ?? 0) + 1);
    }
    return plan;
  }

  // the allocator's counts, each member's received, and the week's allocations under this version (expected): a statement each
  private async book(manager: EntityManager, plan: Plan): Promise<void> {
    const week = isoWeekOf(this.aggregates.clock.now());
    const byMember = new Map<string, number>();
    for (const memberId of plan.picked) byMember.set(memberId, (byMember.get(memberId) ?? 0) + 1);
    await this.repository.addCounts(manager, plan.policyVersion, byMember);
    await this.repository.addToLedgerAll(manager, week, new Map([...byMember].map(([memberId, n]) => [memberId, { received: n }])));
    await this.repository.addAllocations(manager, week, plan.policyVersion, plan.picked.length);
  }

  /** allocations not accepted by their deadline go back to the pool (the member will not get that lead again) */
  async expireDue(limit = ALLOCATION_BATCH): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const now = this.aggregates.clock.now();
      const changes: Array<DecidedChange<unknown>> = [];
      const returned: Array<{ memberId: string; policyVersion: number }> = [];
      const expired = await this.aggregates.leads.loadAll(manager, await this.repository.expiredLeadIds(manager, now, limit));
      for (const [leadId, loaded] of expired) {
        const { state } = loaded;
        const decided = await this.aggregates.leads.decideLoaded(manager, leadId, loaded, (at) => ({ type: 'ExpireAllocation', leadId, actor: LEAD_POOL, at }), {
          actor: LEAD_POOL,
        });
        if (!('request' in decided)) continue;
        if (leadExists(state) && state.allocatedTo && state.policyVersion) returned.push({ memberId: state.allocatedTo, policyVersion: state.policyVersion });
        changes.push(decided);
      }
      const committed = await commitChanges(manager, this.aggregates.pipeline, changes);
      if (!committed.ok) throw new Error(`expiry raced a change of a lead: ${committed.reason}`);
      for (const { memberId, policyVersion } of returned) await this.takeBack(manager, memberId, policyVersion, now);
      return changes.length;
    });
  }

  /**
   * A returned allocation does not count as received: the member's share is owed again, and the
   * allocation's shares under its version leave the week's expected (both in the week it returns).
   */
  async takeBack(manager: EntityManager, memberId: string, policyVersion: number, at: Date): Promise<void> {
    const week = isoWeekOf(at);
    await this.repository.addCount(manager, policyVersion, memberId, -1);
    await this.repository.addToLedger(manager, week, memberId, { received: -1 });
    await this.repository.addAllocations(manager, week, policyVersion, -1);
  }
}
