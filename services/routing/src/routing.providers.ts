import { EventConsumer, EventConsumerTransport, OutboxRelay } from '@support/messaging';
import { PlatformRuntime, PlatformSettings, startPlatform } from '@support/service-kit';
import { RosterService } from './application/roster.service';
import { RoutingEngine } from './application/routing-engine';
import { RoutingQueries } from './application/routing-queries';
import { RoutingSimulation } from './application/routing-simulation.service';
import { routingMigrations } from './persistence/routing.migrations';
import { RoutingModule } from './routing.module';

export const SERVICE_NAME = 'routing';

export type RoutingSettings = PlatformSettings;

export interface RoutingRuntime extends PlatformRuntime {
  relay: OutboxRelay;
  ticketEvents: EventConsumer;
  /** the knowledge base's scenario catalogue (which scenarios are fixed) */
  scenarioEvents: EventConsumer;
  engine: RoutingEngine;
  roster: RosterService;
  queries: RoutingQueries;
  /** what-if replays of past periods (read only) */
  simulation: RoutingSimulation;
}

/** Routing on the support platform: Nest builds it from {@link RoutingModule}; these are its parts tests reach for. */
export async function startRoutingRuntime(settings: RoutingSettings, onError: (error: unknown) => void): Promise<RoutingRuntime> {
  const platform = await startPlatform(RoutingModule, { service: SERVICE_NAME, settings, onError, migrations: routingMigrations });
  const { context } = platform;
  const consumers = context.get(EventConsumerTransport);
  return {
    ...platform,
    relay: context.get(OutboxRelay),
    ticketEvents: consumers.consumer('ticket-events'),
    scenarioEvents: consumers.consumer('scenario-catalogue'),
    engine: context.get(RoutingEngine),
    roster: context.get(RosterService),
    queries: context.get(RoutingQueries),
    simulation: context.get(RoutingSimulation),
  };
}
