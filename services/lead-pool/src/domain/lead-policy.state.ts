import { LeadPolicyEvent, LeadRatio } from '@support/contracts';

/** Before the first `support.lead.ratios-set.v1`: no ratios, so no allocation. */
export interface NoLeadPolicy {
  readonly status: 'none';
}

/** One version of the ratios. The event carries no time or actor: when and by whom is its envelope's. */
export interface LeadRatiosVersion {
  readonly version: number;
  readonly ratios: readonly LeadRatio[];
  readonly acceptMinutes: number;
}

/** The ratios in force (the latest version), and every version so far. */
export interface LeadPolicy {
  readonly status: 'set';
  readonly policyId: string;
  /** the version in force: allocations are counted per version (named apart from a stream's version) */
  readonly policyVersion: number;
  readonly ratios: readonly LeadRatio[];
  /** how long a member has to accept an allocated lead */
  readonly acceptMinutes: number;
  /** every version, oldest first, the one in force last */
  readonly history: readonly LeadRatiosVersion[];
}

export type LeadPolicyState = NoLeadPolicy | LeadPolicy;

export const initialLeadPolicyState = (): LeadPolicyState => ({ status: 'none' });

export function leadPolicyExists(state: LeadPolicyState): state is LeadPolicy {
  return state.status !== 'none';
}

/** Applies one event: the new version is in force, the old ones stay in the history. */
export function evolveLeadPolicy(state: LeadPolicyState, event: LeadPolicyEvent): LeadPolicyState {
  const { policyId, version, ratios, acceptMinutes } = event.data;
  const expected = leadPolicyExists(state) ? state.policyVersion + 1 : 1;
  if (version !== expected) throw new Error(`lead policy ${policyId}: version ${version} where ${expected} was next`);
  const copy = ratios.map((r) => ({ memberId: r.memberId, weight: r.weight }));
  const entry: LeadRatiosVersion = { version, ratios: copy, acceptMinutes };
  return { status: 'set', policyId, policyVersion: version, ratios: copy, acceptMinutes, history: [...(leadPolicyExists(state) ? state.history : []), entry] };
}
