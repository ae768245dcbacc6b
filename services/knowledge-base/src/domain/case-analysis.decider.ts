import { ANALYSIS_REASONS } from '@support/contracts';
import { accept, Decider, Decision, reject } from '@support/decider';
import { atProblem, blank, invalid, isLeadOrSenior, notScenarioId, notUuid, oneOf, optional } from './checks';
import { CaseAnalysisCommand } from './case-analysis.commands';
import { CaseAnalysisEvent, CaseAnalysisState, evolveCaseAnalysis, initialCaseAnalysisState } from './case-analysis.state';

/**
 * The CaseAnalysis decider: open (the service, on a scenario seen for the first time; a lead or a senior,
 * for a complex case) -> closed (a lead or a senior, with a conclusion). Order of checks: the analysis
 * must exist (`not-found`), be open and the actor allowed (`illegal-transition`, 409), then the values
 * must hold (`invalid-command`, 400). The 3-working-day deadline is sla-monitor's.
 */
export const caseAnalysisDecider: Decider<CaseAnalysisCommand, CaseAnalysisEvent, CaseAnalysisState> = {
  decide: decideCaseAnalysis,
  evolve: evolveCaseAnalysis,
  initialState: initialCaseAnalysisState,
};

export function decideCaseAnalysis(command: CaseAnalysisCommand, state: CaseAnalysisState): Decision<CaseAnalysisEvent> {
  if (command.type === 'OpenAnalysis') {
    if (state.status !== 'none') return reject('illegal-transition', `case analysis ${command.analysisId} already exists (it is ${state.status})`);
    if (!isLeadOrSenior(command.actor) && command.actor.role !== 'service') return reject('illegal-transition', 'only a lead or senior opens a case analysis');
    const problem =
      atProblem(command.at) ??
      notUuid(command.analysisId, 'analysisId') ??
      notUuid(command.ticketId, 'ticketId') ??
      oneOf(command.reason, ANALYSIS_REASONS, 'reason') ??
      // as the diagnosis named it: free text there, so no slug rule here
      blank(command.scenarioId, 'scenarioId') ??
      blank(command.faultCategory, 'faultCategory');
    if (problem) return invalid(problem);
    const { analysisId, ticketId, reason, scenarioId, faultCategory } = command;
    return accept({ type: 'support.case.analysis-opened.v1', data: { analysisId, ticketId, reason, scenarioId, faultCategory, openedAt: command.at.toISOString() } });
  }

  if (state.status === 'none') return reject('not-found', `case analysis ${command.analysisId} does not exist`);
  if (state.analysisId !== command.analysisId) {
    // the caller loaded the wrong stream: a bug, not a business outcome
    throw new Error(`command for case analysis ${command.analysisId} decided on case analysis ${state.analysisId}`);
  }
  if (state.status !== 'open') return reject('illegal-transition', `cannot close a case analysis that is ${state.status}: it is final`);
  if (!isLeadOrSenior(command.actor)) return reject('illegal-transition', 'only a lead or senior closes a case analysis');
  const problem =
    atProblem(command.at) ??
    blank(command.conclusion, 'conclusion') ??
    (command.articleId === undefined ? undefined : notUuid(command.articleId, 'articleId')) ??
    // what the analysis put in the catalogue: a catalogue id
    (command.scenarioId === undefined ? undefined : notScenarioId(command.scenarioId, 'scenarioId'));
  if (problem) return invalid(problem);
  return accept({
    type: 'support.case.analysis-closed.v1',
    data: {
      analysisId: state.analysisId,
      ticketId: state.ticketId,
      conclusion: command.conclusion,
      ...optional('articleId', command.articleId),
      ...optional('scenarioId', command.scenarioId),
      closedAt: command.at.toISOString(),
    },
  });
}
