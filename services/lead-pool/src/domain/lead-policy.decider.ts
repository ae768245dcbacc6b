import { LeadPolicyEvent, LeadRatio } from '@support/contracts';
import { accept, Decider, Decision, reject } from '@support/decider';
import { atProblem, blank, integerIn, invalid, memberIdProblem } from './checks';
import { LeadPolicyCommand } from './lead-policy.commands';
import { evolveLeadPolicy, initialLeadPolicyState, LeadPolicyState } from './lead-policy.state';

/** as the ratios-set schema */
export const MAX_RATIOS = 100;
export const MAX_WEIGHT = 1000;
/** a week */
export const MAX_ACCEPT_MINUTES = 7 * 24 * 60;

/**
 * The lead-pool ratios' decider: only a lead sets them (`illegal-transition`, 409); each setting is a
 * new version. Whether every member in the ratios may take leads (no contractors, known members) is the
 * application's check: it knows the roster.
 */
export const leadPolicyDecider: Decider<LeadPolicyCommand, LeadPolicyEvent, LeadPolicyState> = {
  decide: decideLeadPolicy,
  evolve: evolveLeadPolicy,
  initialState: initialLeadPolicyState,
};

export function decideLeadPolicy(command: LeadPolicyCommand, state: LeadPolicyState): Decision<LeadPolicyEvent> {
  if (state.status !== 'none' && state.policyId !== command.policyId) {
    // the caller loaded the wrong stream: a bug, not a business outcome
    throw new Error(`command for lead policy ${command.policyId} decided on lead policy ${state.policyId}`);
  }
  if (command.actor.role !== 'lead') return reject('illegal-transition', 'only a lead sets the lead-pool ratios');
  const problem =
    atProblem(command.at) ?? blank(command.policyId, 'policyId') ?? ratiosProblem(command.ratios) ?? integerIn(command.acceptMinutes, 'acceptMinutes', 1, MAX_ACCEPT_MINUTES);
  if (problem) return invalid(problem);
  const version = state.status === 'none' ? 1 : state.policyVersion + 1;
  const ratios = command.ratios.map(({ memberId, weight }) => ({ memberId, weight }));
  return accept({ type: 'support.lead.ratios-set.v1', data: { policyId: command.policyId, version, ratios, acceptMinutes: command.acceptMinutes } });
}

/** The schema's rules for the ratios, and unique members; exported for callers that check before sending. */
export function ratiosProblem(ratios: readonly LeadRatio[] | undefined): string | undefined {
  if (!Array.isArray(ratios) || ratios.length === 0) return 'ratios must list at least one member';
  if (ratios.length > MAX_RATIOS) return `ratios must list at most ${MAX_RATIOS} members`;
  const seen = new Set<string>();
  for (const [i, ratio] of ratios.entries()) {
    if (!ratio || typeof ratio !== 'object') return `ratios[${i}] must be a member and a weight`;
    const problem = memberIdProblem(ratio.memberId, `ratios[${i}].memberId`) ?? integerIn(ratio.weight, `ratios[${i}].weight`, 1, MAX_WEIGHT);
    if (problem) return problem;
    if (seen.has(ratio.memberId)) return `ratios[${i}].memberId ${ratio.memberId} is listed twice`;
    seen.add(ratio.memberId);
  }
  return undefined;
}
