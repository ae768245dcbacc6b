import { LeadRatio } from '@support/contracts';

// why pooled leads wait, worked out from the ratios and the roster as they are now (never stored:
// it changes with every duty change), so a member, the lead and the ledger can see it

/** A member as the pool sees the roster: contractors never take part, off-duty members are skipped. */
export interface PoolMember {
  memberId: string;
  role: string;
  onDuty: boolean;
}

/** May take leads now: on the roster, on duty, not a contractor. */
export function canTakeLeads(member: PoolMember | undefined): boolean {
  return member !== undefined && member.role !== 'contractor' && member.onDuty;
}

/** The members of the ratios (weight above 0) who may take leads now, in the ratios' order. */
export function eligibleMembers(ratios: readonly LeadRatio[], roster: readonly PoolMember[]): string[] {
  const byId = new Map(roster.map((m) => [m.memberId, m]));
  return ratios.filter((r) => r.weight > 0 && canTakeLeads(byId.get(r.memberId))).map((r) => r.memberId);
}

/** The members named in the ratios who are on the roster but off duty, in the ratios' order. */
export function offDutyMembers(ratios: readonly LeadRatio[], roster: readonly PoolMember[]): string[] {
  const byId = new Map(roster.map((m) => [m.memberId, m]));
  return ratios.filter((r) => byId.get(r.memberId)?.onDuty === false).map((r) => r.memberId);
}

/** What setting these ratios means now, for the lead who sets them: who is off duty, and whether leads will wait. */
export function ratiosWarnings(ratios: readonly LeadRatio[], roster: readonly PoolMember[]): string[] {
  const offDuty = offDutyMembers(ratios, roster);
  if (offDuty.length === 0) return [];
  if (eligibleMembers(ratios, roster).length === 0) {
    return [`every member in the ratios is off duty (${offDuty.join(', ')}): captured leads wait in the pool until one of them comes on duty`];
  }
  return [`${offDuty.join(', ')} ${offDuty.length === 1 ? 'is' : 'are'} off duty: leads go to the others until then, and are caught up to their share once on duty`];
}

export const WAITING_REASONS = ['no-ratios', 'no-member-on-duty', 'declined-by-every-member', 'declined-by-every-member-on-duty', 'awaiting-allocation'] as const;

/** Why a pooled lead has not been allocated (yet): a code to act on and a sentence to show. */
export interface WaitingReason {
  code: (typeof WAITING_REASONS)[number];
  message: string;
}

/**
 * Why a pooled lead waits, given the ratios in force (undefined: none set yet), the roster and the
 * members who declined it or let it time out (never offered it again). Undefined for a lead not pooled.
 */
export function waitingReason(
  lead: { status: string; declinedBy?: readonly string[] },
  ratios: readonly LeadRatio[] | undefined,
  roster: readonly PoolMember[],
): WaitingReason | undefined {
  if (lead.status !== 'pooled') return undefined;
  const weighted = (ratios ?? []).filter((r) => r.weight > 0).map((r) => r.memberId);
  if (weighted.length === 0) return { code: 'no-ratios', message: 'no ratios are set: it is allocated once a lead sets them (PUT /v1/ratios)' };
  const declined = new Set(lead.declinedBy ?? []);
  const open = weighted.filter((memberId) => !declined.has(memberId));
  if (open.length === 0) {
    return { code: 'declined-by-every-member', message: 'every member in the ratios declined it or let it time out: it waits until the ratios name another member' };
  }
  const eligible = new Set(eligibleMembers(ratios ?? [], roster));
  if (open.some((memberId) => eligible.has(memberId))) {
    return { code: 'awaiting-allocation', message: 'a member in the ratios is on duty: the allocator hands it out on its next run' };
  }
  if (eligible.size === 0) {
    return { code: 'no-member-on-duty', message: `no member in the ratios is on duty: it is allocated as soon as ${anyOf(weighted)} comes on duty` };
  }
  return {
    code: 'declined-by-every-member-on-duty',
    message: `every member on duty declined it or let it time out: it is allocated as soon as ${anyOf(open)} comes on duty`,
  };
}

const anyOf = (members: readonly string[]) => (members.length === 1 ? members[0] : `one of ${members.join(', ')}`);

/** How many leads wait in the pool and for how long the oldest has, as of `now`. */
export interface PoolWaiting {
  waiting: number;
  /** when the lead waiting longest entered the pool (captured, or returned); null when none waits */
  oldestWaitingSince: string | null;
  longestWaitSeconds: number;
}

export function poolWaiting(waiting: number, oldestSince: Date | null, now: Date): PoolWaiting {
  if (waiting === 0 || !oldestSince) return { waiting, oldestWaitingSince: null, longestWaitSeconds: 0 };
  return { waiting, oldestWaitingSince: oldestSince.toISOString(), longestWaitSeconds: Math.max(0, Math.floor((now.getTime() - oldestSince.getTime()) / 1000)) };
}
