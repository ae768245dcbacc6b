import { Scenario, ScenarioEvent } from '@support/contracts';
import { optional } from './checks';

/** Before `support.scenario.defined.v1`: the catalogue does not know the scenario. */
export interface NoScenario {
  readonly status: 'none';
}

/** A scenario of the catalogue as its events describe it. */
export interface CatalogueScenario {
  readonly status: 'defined';
  readonly scenarioId: string;
  readonly faultCategory: string;
  readonly name: string;
  /** contractor-safe: a whitelisted contractor may take it, strictly by its SOP */
  readonly fixed: boolean;
  readonly sopArticleId?: string;
}

/** The decider's state: no scenario yet, or the scenario. */
export type ScenarioState = NoScenario | CatalogueScenario;

export const initialScenarioState = (): ScenarioState => ({ status: 'none' });

export function scenarioExists(state: ScenarioState): state is CatalogueScenario {
  return state.status !== 'none';
}

/** Applies one event; both events carry the whole scenario. */
export function evolveScenario(state: ScenarioState, event: ScenarioEvent): ScenarioState {
  if (event.type === 'support.scenario.defined.v1') {
    if (scenarioExists(state)) throw new Error(`scenario ${state.scenarioId} defined twice`);
    return { status: 'defined', ...scenarioOf(event.data) };
  }
  if (!scenarioExists(state)) throw new Error(`${event.type} for a scenario that was never defined`);
  return { status: 'defined', ...scenarioOf(event.data) };
}

/** Exactly the schema's fields of a scenario. */
export function scenarioOf(scenario: Scenario | CatalogueScenario): Scenario {
  const { scenarioId, faultCategory, name, fixed, sopArticleId } = scenario;
  return { scenarioId, faultCategory, name, fixed, ...optional('sopArticleId', sopArticleId) };
}
