import { Actor, LeadRatio } from '@support/contracts';
import { LeadPoolRuntime } from '../../src/lead-pool.providers';

// a month of the lead pool through its LIVE command path (LeadService, RatioPolicyService, LeadAllocator in
// the process, the roster through routing's topic and the pool's consumer), on a manual clock: captures,
// accepts, declines, allocations left to time out (taken back by the allocator's own run), losses,
// duplicates, members going off and on duty. Shared by lead-pool's identity test (a smaller month) and
// bench/lead-simulation.bench.ts (10,000 leads), so both replay the same kind of record.

const DAY = 86_400_000;
const MIN_SPACING = 120_000;

/** A clock the pool reads (its `clock` setting) that the month moves. */
export interface SettableClock {
  now(): Date;
  set(at: Date): void;
}

/** A roster event as routing records it, at the month's instant. */
export interface RosterFact {
  type: 'support.member.registered.v1' | 'support.member.went-on-duty.v1' | 'support.member.went-off-duty.v1';
  memberId: string;
  data: object;
  at: Date;
}

export interface LeadMonthOptions {
  /** leads captured: a tenth (at most 660) the day before `from` (the state carried in), the rest spread over [from, to) */
  leads: number;
  /** the generator's seed: the same seed, the same month */
  seed: number;
  from: Date;
  to: Date;
  /** makes member ids and phone numbers unique to the run (the roster topic is shared) */
  run: string;
  /** progress every so many leads (none: quiet) */
  progressEvery?: number;
}

export interface LeadMonth {
  members: string[];
  /** the ratios in force over the whole month (set once, the day before `from`) */
  ratios: LeadRatio[];
  /** wall-clock ms the month took to generate */
  generatedMs: number;
}

/** a seeded generator (mulberry32): the same month every run */
export function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function must(ok: boolean, what: string): void {
  if (!ok) throw new Error(`lead month: ${what}`);
}

/**
 * Generates the month: 5 members on the roster, 4 of them in the ratios 3:2:2:1 (30 minutes to accept);
 * before each capture the allocator's run (as its tick would: time-outs taken back, what waits handed
 * out); each new lead's holder answers 20 s later: 72 % accept, 12 % decline (the next holder answers 30 s
 * later, up to three in a row), 3 % lose it, 13 % leave it to time out; 2 % of captures are duplicates of
 * a recent contact; every twelfth of the month a member of the ratios goes off duty for 15 leads.
 */
export async function generateLeadMonth(
  runtime: Pick<LeadPoolRuntime, 'leads' | 'policy' | 'allocator' | 'repository' | 'dataSource'>,
  clock: SettableClock,
  publishRoster: (facts: RosterFact[]) => Promise<void>,
  options: LeadMonthOptions,
): Promise<LeadMonth> {
  const { leads: LEADS, from, to, run } = options;
  const random = seeded(options.seed);
  const members = ['m0', 'm1', 'm2', 'm3', 'm4'].map((m) => `${m}-${run}`);
  const ratios = [
    { memberId: members[0], weight: 3 },
    { memberId: members[1], weight: 2 },
    { memberId: members[2], weight: 2 },
    { memberId: members[3], weight: 1 },
  ];
  const actor = (id: string): Actor => ({ id, role: 'agent' });
  const lead: Actor = { id: `lead-${run}`, role: 'lead' };

  const duty = async (memberId: string, onDuty: boolean, at: Date) => {
    // the pool's clock reads the instant routing records: the allocations a member coming on duty gets are at it
    clock.set(at);
    await publishRoster([{ type: onDuty ? 'support.member.went-on-duty.v1' : 'support.member.went-off-duty.v1', memberId, data: { memberId }, at }]);
    const until = Date.now() + 30_000;
    while ((await runtime.repository.member(runtime.dataSource, memberId))?.onDuty !== onDuty) {
      must(Date.now() < until, `${memberId} never went ${onDuty ? 'on' : 'off'} duty in the pool`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  const generating = Date.now();
  const start = new Date(from.getTime() - DAY);
  clock.set(start);
  await publishRoster(
    members.map((memberId) => ({
      type: 'support.member.registered.v1' as const,
      memberId,
      data: { memberId, role: 'agent', name: memberId, tier: 'L1', skills: [], scenarios: [], capacity: 5 },
      at: start,
    })),
  );
  for (const memberId of members) await duty(memberId, true, start);
  clock.set(new Date(start.getTime() + 60_000));
  const set = await runtime.policy.set(ratios, 30, { actor: lead });
  must(set.outcome.ok, `ratios refused: ${JSON.stringify(set.outcome)}`);

  // a lead's story takes up to 90 s (answers at 20, 50, 80 s, a duty change at 90 s): leads come at least
  // 2 minutes apart, so the clock never goes back (the day before holds at most 660 leads)
  const before = Math.min(Math.floor(LEADS / 10), Math.floor((DAY - 7_200_000) / MIN_SPACING));
  const spacing = (to.getTime() - from.getTime()) / (LEADS - before);
  must(spacing >= MIN_SPACING, `${LEADS} leads do not fit in the period ${MIN_SPACING / 1000} s apart`);
  const open: Array<{ id: string; phone: string }> = [];
  let offDuty: { memberId: string; until: number } | undefined;
  for (let i = 0; i < LEADS; i++) {
    const t = i < before ? start.getTime() + 3_600_000 + i * ((DAY - 7_200_000) / before) : from.getTime() + (i - before) * spacing;
    clock.set(new Date(t));
    // the allocator's own run, as its tick would: expired allocations back to the pool, handed out again
    await runtime.allocator.runDue();
    const source = members[Math.floor(random() * members.length)];
    const duplicate = random() < 0.02 && open.length > 0;
    const phone = duplicate ? open[Math.floor(random() * open.length)].phone : `+86 137 ${run.slice(0, 4).replace(/\D/g, '1')}${String(i).padStart(6, '0')}`;
    const captured = await runtime.leads.capture(
      { source: { memberId: source, platform: 'douyin', account: `@${source}` }, customerHandle: 'h', contact: { phone }, via: 'rest' },
      { actor: actor(source) },
    );
    if (!('body' in captured)) throw new Error(`lead month: capture refused: ${JSON.stringify(captured)}`);
    const { id, allocatedTo } = captured.body;
    if (!duplicate) open.push({ id, phone });
    if (open.length > 50) open.shift();
    const respond = async (holder: string, seconds: number): Promise<void> => {
      clock.set(new Date(t + seconds * 1000));
      const roll = random();
      if (roll < 0.72) must((await runtime.leads.execute(id, { type: 'AcceptLead' }, { actor: actor(holder) })).ok, `${holder} could not accept ${id}`);
      else if (roll < 0.84) {
        must((await runtime.leads.execute(id, { type: 'DeclineLead', reason: 'busy' }, { actor: actor(holder) })).ok, `${holder} could not decline ${id}`);
        const now = await runtime.leads.find(id);
        if (now?.status === 'allocated' && now.allocatedTo && seconds < 60) await respond(now.allocatedTo, seconds + 30);
      } else if (roll < 0.87) must((await runtime.leads.execute(id, { type: 'LoseLead', reason: 'gone' }, { actor: actor(holder) })).ok, `${holder} could not lose ${id}`);
      // else: left unanswered; the allocator's run takes it back once its 30 minutes are out
    };
    if (!duplicate && allocatedTo) await respond(allocatedTo, 20);
    // now and then a member in the ratios goes off duty for a while (recorded apart from the leads' instants)
    if (offDuty && i >= offDuty.until) {
      await duty(offDuty.memberId, true, new Date(t + 90_000));
      offDuty = undefined;
    } else if (!offDuty && i % Math.max(10, Math.floor(LEADS / 12)) === 5) {
      offDuty = { memberId: ratios[Math.floor(random() * ratios.length)].memberId, until: i + 15 };
      await duty(offDuty.memberId, false, new Date(t + 90_000));
    }
    if (options.progressEvery && (i + 1) % options.progressEvery === 0) console.log(`  ${i + 1} leads generated, ${Math.round((Date.now() - generating) / 1000)} s`);
  }
  clock.set(new Date(to.getTime() + 60_000));
  return { members, ratios, generatedMs: Date.now() - generating };
}
