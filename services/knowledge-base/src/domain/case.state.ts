import { CaseEvent, FiledCase } from '@support/contracts';
import { optional } from './checks';

/** Before `support.case.filed.v1`: the library does not have the case. */
export interface NoCase {
  readonly status: 'none';
}

/** A solved case as the library keeps it. */
export type LibraryCase = Readonly<FiledCase> & { readonly status: 'filed' };

/** The decider's state: no case yet, or the case. */
export type CaseState = NoCase | LibraryCase;

/** The case library's events (the analysis events of the cases topic belong to the case-analysis decider). */
export type CaseFiledEvent = Extract<CaseEvent, { type: 'support.case.filed.v1' }>;
export type CaseLinkedEvent = Extract<CaseEvent, { type: 'support.case.linked.v1' }>;
export type LibraryCaseEvent = CaseFiledEvent | CaseLinkedEvent;

export const initialCaseState = (): CaseState => ({ status: 'none' });

export function caseExists(state: CaseState): state is LibraryCase {
  return state.status !== 'none';
}

/** Applies one event: a case is filed once; links only fill in what it lacked. */
export function evolveCase(state: CaseState, event: LibraryCaseEvent): CaseState {
  switch (event.type) {
    case 'support.case.filed.v1':
      if (caseExists(state)) throw new Error(`case ${state.caseId} filed twice`);
      return { status: 'filed', ...filedCaseOf(event.data) };
    case 'support.case.linked.v1': {
      if (!caseExists(state)) throw new Error(`case ${event.data.caseId} linked before it was filed`);
      const { scenarioId, faultCategory, sopArticleId } = event.data;
      return {
        status: 'filed',
        ...filedCaseOf({ ...state, ...optional('scenarioId', scenarioId), ...optional('faultCategory', faultCategory), ...optional('sopArticleId', sopArticleId) }),
      };
    }
  }
}

/** Exactly the schema's fields of a case, whatever else the input carries. */
export function filedCaseOf(filed: FiledCase): FiledCase {
  const { caseId, ticketId, sheetId, visitId, kind, scenarioId, faultCategory, sopArticleId, device, problem, diagnosis, workDone, result } = filed;
  return {
    caseId,
    ticketId,
    sheetId,
    ...optional('visitId', visitId),
    kind,
    ...optional('scenarioId', scenarioId),
    ...optional('faultCategory', faultCategory),
    ...optional('sopArticleId', sopArticleId),
    device,
    problem,
    diagnosis,
    workDone,
    result,
  };
}
