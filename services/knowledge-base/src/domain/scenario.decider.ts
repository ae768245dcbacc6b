import { Actor, Scenario, ScenarioEvent } from '@support/contracts';
import { accept, Decider, Decision, reject } from '@support/decider';
import { aRole, atProblem, invalid, isLeadOrSenior, notScenarioId, notUuid, text } from './checks';
import { ScenarioCommand } from './scenario.commands';
import { evolveScenario, initialScenarioState, scenarioOf, ScenarioState } from './scenario.state';

/** as the scenario schema */
export const MAX_FAULT_CATEGORY = 100;
export const MAX_SCENARIO_NAME = 300;

/**
 * The scenario catalogue's decider: which scenarios there are, which are fixed (contractor-safe) and
 * their SOP. Order of checks: the scenario must exist (`not-found`), the actor must be a lead or a
 * senior, and only a lead marks a scenario fixed (`illegal-transition`, 409), then the values must hold
 * (`invalid-command`, 400). A change that changes nothing emits no events.
 */
export const scenarioDecider: Decider<ScenarioCommand, ScenarioEvent, ScenarioState> = {
  decide: decideScenario,
  evolve: evolveScenario,
  initialState: initialScenarioState,
};

export function decideScenario(command: ScenarioCommand, state: ScenarioState): Decision<ScenarioEvent> {
  if (command.type === 'DefineScenario') {
    if (state.status !== 'none') return reject('illegal-transition', `scenario ${command.scenarioId} already exists`);
    const refused = actorProblem(command.actor, command.fixed === true);
    if (refused) return reject('illegal-transition', refused);
    const problem = atProblem(command.at) ?? notScenarioId(command.scenarioId, 'scenarioId') ?? valuesProblem(command, true);
    if (problem) return invalid(problem);
    const { scenarioId, faultCategory, name, fixed, sopArticleId } = command;
    return accept({ type: 'support.scenario.defined.v1', data: scenarioOf({ scenarioId, faultCategory, name, fixed, sopArticleId }) });
  }

  if (state.status === 'none') return reject('not-found', `scenario ${command.scenarioId} does not exist`);
  if (state.scenarioId !== command.scenarioId) {
    // the caller loaded the wrong stream: a bug, not a business outcome
    throw new Error(`command for scenario ${command.scenarioId} decided on scenario ${state.scenarioId}`);
  }
  // un-fixing is safe, so a senior may do it; keeping a fixed scenario fixed is no marking
  const refused = actorProblem(command.actor, command.fixed === true && !state.fixed);
  if (refused) return reject('illegal-transition', refused);
  const problem = atProblem(command.at) ?? valuesProblem(command, false);
  if (problem) return invalid(problem);
  const before = scenarioOf(state);
  const after = scenarioOf({
    scenarioId: state.scenarioId,
    faultCategory: command.faultCategory ?? state.faultCategory,
    name: command.name ?? state.name,
    fixed: command.fixed ?? state.fixed,
    sopArticleId: command.sopArticleId ?? state.sopArticleId,
  });
  if (same(before, after)) return accept();
  return accept({ type: 'support.scenario.changed.v1', data: after });
}

// the lead and seniors keep the catalogue; contractor-safety is the lead's call
function actorProblem(actor: Actor, marksFixed: boolean): string | undefined {
  if (!isLeadOrSenior(actor)) return `${aRole(actor)} may not change the scenario catalogue: only a lead or a senior may`;
  return marksFixed && actor.role !== 'lead' ? 'only a lead may mark a scenario fixed (contractor-safe)' : undefined;
}

// a definition gives every value; a change only those it changes (an omitted one keeps the scenario's)
function valuesProblem(values: Partial<Omit<Scenario, 'scenarioId'>>, all: boolean): string | undefined {
  const given = (value: unknown) => all || value !== undefined;
  return (
    (given(values.faultCategory) ? text(values.faultCategory, 'faultCategory', MAX_FAULT_CATEGORY) : undefined) ??
    (given(values.name) ? text(values.name, 'name', MAX_SCENARIO_NAME) : undefined) ??
    (given(values.fixed) && typeof values.fixed !== 'boolean' ? 'fixed must be true or false' : undefined) ??
    (values.sopArticleId === undefined ? undefined : notUuid(values.sopArticleId, 'sopArticleId'))
  );
}

const same = (a: Scenario, b: Scenario) => a.faultCategory === b.faultCategory && a.name === b.name && a.fixed === b.fixed && a.sopArticleId === b.sopArticleId;
