import { accept, Decider, Decision, FiledCase, SERVICE_KINDS, SERVICE_RESULTS } from '@support/contracts';
import { atProblem, blank, invalid, notUuid, oneOf } from './checks';
import { CaseCommand } from './case.commands';
import { CaseFiledEvent, CaseState, evolveCase, filedCaseOf, initialCaseState } from './case.state';

/**
 * The case library's decider: an approved service sheet is filed once as a case. Filing it again (the
 * approved sheet redelivered) is accepted with no events; otherwise the values must hold as the event
 * schema wants them (`invalid-command`, 400).
 */
export const caseDecider: Decider<CaseCommand, CaseFiledEvent, CaseState> = {
  decide: decideCase,
  evolve: evolveCase,
  initialState: initialCaseState,
};

export function decideCase(command: CaseCommand, state: CaseState): Decision<CaseFiledEvent> {
  if (state.status !== 'none') {
    if (state.caseId !== command.caseId) {
      // the caller loaded the wrong stream: a bug, not a business outcome
      throw new Error(`command for case ${command.caseId} decided on case ${state.caseId}`);
    }
    // at-least-once delivery: the sheet's approval may come again
    return accept();
  }
  const problem = atProblem(command.at) ?? notUuid(command.caseId, 'caseId') ?? caseProblem(command.case, command.caseId);
  if (problem) return invalid(problem);
  return accept({ type: 'support.case.filed.v1', data: filedCaseOf(command.case) });
}

/** The schema's rules for a case, field by field; exported for callers that want to check before sending. */
export function caseProblem(filed: FiledCase | undefined, caseId: string): string | undefined {
  if (!filed || typeof filed !== 'object') return 'case is required';
  const ifGiven = (value: unknown, check: (value: unknown) => string | undefined) => (value === undefined ? undefined : check(value));
  return (
    (filed.caseId === caseId ? undefined : `case.caseId must equal caseId (${caseId})`) ??
    notUuid(filed.ticketId, 'case.ticketId') ??
    notUuid(filed.sheetId, 'case.sheetId') ??
    ifGiven(filed.visitId, (v) => notUuid(v, 'case.visitId')) ??
    oneOf(filed.kind, SERVICE_KINDS, 'case.kind') ??
    ifGiven(filed.scenarioId, (v) => blank(v, 'case.scenarioId')) ??
    ifGiven(filed.faultCategory, (v) => blank(v, 'case.faultCategory')) ??
    ifGiven(filed.sopArticleId, (v) => notUuid(v, 'case.sopArticleId')) ??
    blank(filed.device, 'case.device') ??
    blank(filed.problem, 'case.problem') ??
    blank(filed.diagnosis, 'case.diagnosis') ??
    blank(filed.workDone, 'case.workDone') ??
    oneOf(filed.result, SERVICE_RESULTS, 'case.result')
  );
}
