import { Actor, FiledCase } from '@support/contracts';

/** Files a solved case in the library (from an approved service sheet). */
export interface FileCase {
  type: 'FileCase';
  /** the case's stream, as the caller derived it; `case.caseId` must be the same */
  caseId: string;
  actor: Actor;
  /** now, from the injected clock: the decider never reads a clock */
  at: Date;
  case: FiledCase;
}

/**
 * Links a filed case to what its ticket's events said after the filing (its scenario, fault category,
 * the SOP its resolution followed). Only what the case lacks is taken: a link once made stays.
 */
export interface LinkCase {
  type: 'LinkCase';
  caseId: string;
  actor: Actor;
  at: Date;
  scenarioId?: string;
  faultCategory?: string;
  sopArticleId?: string;
}

export type CaseCommand = FileCase | LinkCase;
