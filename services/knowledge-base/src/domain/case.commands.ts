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

export type CaseCommand = FileCase;
