import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Scenario, scenarioChanged, scenarioDefined } from '@support/contracts';
import { ConsumedEvent, EventContext, EventHandlers } from '@support/messaging';
import { ROUTING_ACTOR, RoutingEngine } from './routing-engine';

/** the consumer group (`<schema>.scenario-catalogue`) whose inbox says which catalogue events routing took in */
export const SCENARIO_CATALOGUE_GROUP = 'scenario-catalogue';

const CATALOGUE_EVENTS = new Set<string>([scenarioDefined.type, scenarioChanged.type]);

/** Feeds the knowledge base's scenario catalogue to routing, each event in the consumer's transaction (with its inbox row). */
@EventHandlers()
export class ScenarioCatalogueReactor {
  constructor(private readonly engine: RoutingEngine) {}

  @EventPattern([scenarioDefined.type, scenarioChanged.type], { group: SCENARIO_CATALOGUE_GROUP })
  async handle(@Payload() event: ConsumedEvent, @Ctx() { manager }: EventContext): Promise<void> {
    // both events carry the whole scenario as it is now
    if (!CATALOGUE_EVENTS.has(event.type)) return;
    await this.engine.onScenario(manager, event.data as Scenario, event.streamVersion, {
      actor: ROUTING_ACTOR,
      causationId: event.id,
      correlationId: event.correlationId ?? event.id,
    });
  }
}
