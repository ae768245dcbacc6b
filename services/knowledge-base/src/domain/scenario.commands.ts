import { Actor } from '@support/contracts';

/** What every scenario command carries: the scenario (its slug), who asks, and the injected time. */
interface ScenarioCommandBase<Type extends string> {
  type: Type;
  scenarioId: string;
  actor: Actor;
  /** now, from the injected clock: the decider never reads a clock */
  at: Date;
}

/** Adds a scenario to the catalogue. */
export interface DefineScenario extends ScenarioCommandBase<'DefineScenario'> {
  faultCategory: string;
  name: string;
  /** contractor-safe: only a lead may say so */
  fixed: boolean;
  sopArticleId?: string;
}

/** Changes what is given; what is omitted stays as it is. */
export interface ChangeScenario extends ScenarioCommandBase<'ChangeScenario'> {
  faultCategory?: string;
  name?: string;
  fixed?: boolean;
  sopArticleId?: string;
}

export type ScenarioCommand = DefineScenario | ChangeScenario;

export type ScenarioCommandType = ScenarioCommand['type'];

export const SCENARIO_COMMAND_TYPES = ['DefineScenario', 'ChangeScenario'] as const satisfies readonly ScenarioCommandType[];
