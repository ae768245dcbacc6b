import { AnalysisReason, CaseEvent } from '@support/contracts';
import { optional } from './checks';

export const CASE_ANALYSIS_STATUSES = ['open', 'closed'] as const;
export type CaseAnalysisStatus = (typeof CASE_ANALYSIS_STATUSES)[number];

/** Before `support.case.analysis-opened.v1`: the analysis does not exist. */
export interface NoCaseAnalysis {
  readonly status: 'none';
}

/** A case analysis as its events describe it. */
export interface CaseAnalysis {
  readonly analysisId: string;
  readonly ticketId: string;
  readonly reason: AnalysisReason;
  /** the scenario it was opened for, then the catalogue scenario it concluded with, if it named one */
  readonly scenarioId: string;
  readonly faultCategory: string;
  readonly status: CaseAnalysisStatus;
  readonly openedAt: Date;
  readonly conclusion?: string;
  /** the SOP or FAQ article the analysis created or updated */
  readonly articleId?: string;
  readonly closedAt?: Date;
}

/** The decider's state: no analysis yet, or the analysis. */
export type CaseAnalysisState = NoCaseAnalysis | CaseAnalysis;

export const initialCaseAnalysisState = (): CaseAnalysisState => ({ status: 'none' });

export function caseAnalysisExists(state: CaseAnalysisState): state is CaseAnalysis {
  return state.status !== 'none';
}

/** The analysis events of the cases topic (support.case.filed.v1 belongs to the case decider). */
export type CaseAnalysisEvent = Extract<CaseEvent, { type: 'support.case.analysis-opened.v1' | 'support.case.analysis-closed.v1' }>;

/** Applies one event. */
export function evolveCaseAnalysis(state: CaseAnalysisState, event: CaseAnalysisEvent): CaseAnalysisState {
  if (event.type === 'support.case.analysis-opened.v1') {
    if (caseAnalysisExists(state)) throw new Error(`case analysis ${state.analysisId} opened twice`);
    const { analysisId, ticketId, reason, scenarioId, faultCategory, openedAt } = event.data;
    return { analysisId, ticketId, reason, scenarioId, faultCategory, status: 'open', openedAt: new Date(openedAt) };
  }
  if (!caseAnalysisExists(state)) throw new Error(`${event.type} for a case analysis that was never opened`);
  const { conclusion, articleId, scenarioId, closedAt } = event.data;
  // the analysis may put the scenario in the catalogue under a slug of its own: that is its scenario now
  return { ...state, status: 'closed', conclusion, ...optional('articleId', articleId), scenarioId: scenarioId ?? state.scenarioId, closedAt: new Date(closedAt) };
}
