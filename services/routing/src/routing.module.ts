import { Module } from '@nestjs/common';
import { schemaBound } from '@support/service-kit';
import { RosterService } from './application/roster.service';
import { RoutingEngine } from './application/routing-engine';
import { RoutingQueries } from './application/routing-queries';
import { RoutingSimulation } from './application/routing-simulation.service';
import { ScenarioCatalogueReactor } from './application/scenario-catalogue.reactor';
import { TicketEventsReactor } from './application/ticket-events.reactor';
import { RoutedTicketsRepository } from './persistence/routed-tickets.repository';
import { RosterRepository } from './persistence/roster.repository';
import { ScenarioCatalogueRepository } from './persistence/scenario-catalogue.repository';

/** Routing's own providers and event handlers, on the support platform's (database, pipeline, clock, ...). */
@Module({
  providers: [...schemaBound(RosterRepository, RoutedTicketsRepository, ScenarioCatalogueRepository), RoutingEngine, RosterService, RoutingQueries, RoutingSimulation],
  controllers: [TicketEventsReactor, ScenarioCatalogueReactor],
  exports: [RoutingEngine, RosterService, RoutingQueries, RoutingSimulation],
})
export class RoutingModule {}
