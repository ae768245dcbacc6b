import { FiledCase, SERVICE_KINDS, SERVICE_RESULTS } from '@support/contracts';
import { accept, Decider, Decision, reject } from '@support/decider';
import { atProblem, blank, invalid, notUuid, oneOf, optional } from './checks';
import { CaseCommand, FileCase, LinkCase } from './case.commands';
import { caseExists, CaseState, evolveCase, filedCaseOf, initialCaseState, LibraryCase, LibraryCaseEvent } from './case.state';

/**
 * The case library's decider: an approved service sheet is filed once as a case. Filing it again (the
 * approved sheet redelivered) is accepted with no events; otherwise the values must hold as the event
 * schema wants them (`invalid-command`, 400). What the ticket's events tell later (its scenario, the SOP
 * its resolution followed) links the case, filling in only what it lacked.
 */
export const caseDecider: Decider<CaseCommand, LibraryCaseEvent, CaseState> = {
  decide: decideCase,
  evolve: evolveCase,
  initialState: initialCaseState,
};

export function decideCase(command: CaseCommand, state: CaseState): Decision<LibraryCaseEvent> {
  if (state.status !== 'none' && state.caseId !== command.caseId) {
    // the caller loaded the wrong stream: a bug, not a business outcome
    throw new Error(`command for case ${command.caseId} decided on case ${state.caseId}`);
  }
  return command.type === 'FileCase' ? decideFiling(command, state) : decideLink(command, state);
}

function decideFiling(command: FileCase, state: CaseState): Decision<LibraryCaseEvent> {
  // at-least-once delivery: the sheet's approval may come again
  if (state.status !== 'none') return accept();
  const problem = atProblem(command.at) ?? notUuid(command.caseId, 'caseId') ?? caseProblem(command.case, command.caseId);
  if (problem) return invalid(problem);
  return accept({ type: 'support.case.filed.v1', data: filedCaseOf(command.case) });
}

function decideLink(command: LinkCase, state: CaseState): Decision<LibraryCaseEvent> {
  const problem = atProblem(command.at) ?? notUuid(command.caseId, 'caseId') ?? linkProblem(command);
  if (problem) return invalid(problem);
  if (!caseExists(state)) return reject('not-found', `case ${command.caseId} is not filed`);
  const filed: LibraryCase = state;
  const missing = (field: 'scenarioId' | 'faultCategory' | 'sopArticleId') => optional(field, filed[field] === undefined ? command[field] : undefined);
  const learned = { ...missing('scenarioId'), ...missing('faultCategory'), ...missing('sopArticleId') };
  // nothing the case lacked: a redelivered ticket event, or a later resolution naming another SOP
  if (Object.keys(learned).length === 0) return accept();
  return accept({ type: 'support.case.linked.v1', data: { caseId: filed.caseId, ticketId: filed.ticketId, ...learned } });
}

function linkProblem(link: LinkCase): string | undefined {
  return (
    ifGiven(link.scenarioId, (v) => blank(v, 'scenarioId')) ??
    ifGiven(link.faultCategory, (v) => blank(v, 'faultCategory')) ??
    ifGiven(link.sopArticleId, (v) => notUuid(v, 'sopArticleId'))
  );
}

/** The schema's rules for a case, field by field; exported for callers that want to check before sending. */
export function caseProblem(filed: FiledCase | undefined, caseId: string): string | undefined {
  if (!filed || typeof filed !== 'object') return 'case is required';
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

function ifGiven(value: unknown, check: (value: unknown) => string | undefined): string | undefined {
  return value === undefined ? undefined : check(value);
}
