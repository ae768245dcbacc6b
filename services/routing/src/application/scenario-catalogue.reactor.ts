import { EntityManager } from 'typeorm';
import { Scenario, scenarioChanged, scenarioDefined } from '@support/contracts';
import { ConsumedEvent } from '@support/messaging';
import { ROUTING_ACTOR, RoutingEngine } from './routing-engine';

const CATALOGUE_EVENTS = new Set<string>([scenarioDefined.type, scenarioChanged.type]);

/** Feeds the knowledge base's scenario catalogue to routing, each event in the consumer's transaction (with its inbox row). */
export function scenarioCatalogueReactor(engine: RoutingEngine) {
  return async (event: ConsumedEvent, manager: EntityManager): Promise<void> => {
    // both events carry the whole scenario as it is now
    if (!CATALOGUE_EVENTS.has(event.type)) return;
    await engine.onScenario(manager, event.data as Scenario, event.streamVersion, {
      actor: ROUTING_ACTOR,
      causationId: event.id,
      correlationId: event.correlationId ?? event.id,
    });
  };
}
