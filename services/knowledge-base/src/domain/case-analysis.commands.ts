import { Actor, AnalysisReason } from '@support/contracts';

/** What every case-analysis command carries: the analysis, who asks, and the injected time of the request. */
interface CaseAnalysisCommandBase<Type extends string> {
  type: Type;
  analysisId: string;
  actor: Actor;
  /** now, from the injected clock: the decider never reads a clock */
  at: Date;
}

/** Opens an analysis (due in 3 working days): a scenario seen for the first time, or a complex case. */
export interface OpenAnalysis extends CaseAnalysisCommandBase<'OpenAnalysis'> {
  ticketId: string;
  reason: AnalysisReason;
  /** the scenario as the diagnosis named it (free text there, so not necessarily a catalogue slug) */
  scenarioId: string;
  faultCategory: string;
}

/** Concludes it, naming the SOP or FAQ article created or updated and the catalogue scenario, if any. */
export interface CloseAnalysis extends CaseAnalysisCommandBase<'CloseAnalysis'> {
  conclusion: string;
  articleId?: string;
  scenarioId?: string;
}

export type CaseAnalysisCommand = OpenAnalysis | CloseAnalysis;

export type CaseAnalysisCommandType = CaseAnalysisCommand['type'];

export const CASE_ANALYSIS_COMMAND_TYPES = ['OpenAnalysis', 'CloseAnalysis'] as const satisfies readonly CaseAnalysisCommandType[];
