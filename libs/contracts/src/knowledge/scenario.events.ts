import { defineEvent, EventOf, SchemaType } from '../catalogue/event-definition';
import { requiredTextSchema, uuidSchema } from '../tickets/ticket.vocabulary';

// the scenario catalogue: fault categories and their scenarios, which are "fixed" (safe to dispatch to a
// whitelisted contractor) and the SOP to follow. Routing reads it to decide contractor eligibility.

export const SCENARIOS_TOPIC = 'support.scenarios.v1';
export const SCENARIO_AGGREGATE = 'scenario';

export const SCENARIO_ID_PATTERN = '^[a-z0-9]+(-[a-z0-9]+)*$';

const scenarioSchema = {
  type: 'object',
  required: ['scenarioId', 'faultCategory', 'name', 'fixed'],
  additionalProperties: false,
  properties: {
    scenarioId: { type: 'string', pattern: SCENARIO_ID_PATTERN, maxLength: 100 },
    faultCategory: { ...requiredTextSchema, maxLength: 100 },
    name: { ...requiredTextSchema, maxLength: 300 },
    // contractor-safe: a whitelisted contractor may take it, strictly by its SOP
    fixed: { type: 'boolean' },
    sopArticleId: uuidSchema,
  },
} as const;

/** One scenario of the catalogue (its id is a slug, e.g. `printer-driver-reinstall`). */
export type Scenario = SchemaType<typeof scenarioSchema>;

export const scenarioDefined = defineEvent({
  type: 'support.scenario.defined.v1',
  topic: SCENARIOS_TOPIC,
  aggregate: SCENARIO_AGGREGATE,
  description: 'A scenario joined the catalogue.',
  schema: scenarioSchema,
});

export const scenarioChanged = defineEvent({
  type: 'support.scenario.changed.v1',
  topic: SCENARIOS_TOPIC,
  aggregate: SCENARIO_AGGREGATE,
  description: 'A scenario changed (name, fixed or not, its SOP); the whole scenario as it is now.',
  schema: scenarioSchema,
});

export const scenarioEvents = [scenarioDefined, scenarioChanged];
export type ScenarioEvent = EventOf<(typeof scenarioEvents)[number]>;
