import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Scenario } from '@support/contracts';
import { CommandContext, CommandOutcome } from '@support/command-handling';
import { CatalogueScenario, scenarioExists } from '../domain';
import { Page, PageRequest, SortKey } from '@support/service-kit';
import { KnowledgeViews, SCENARIO_CURSOR, View } from '../persistence/knowledge-views.repository';
import { KnowledgeAggregates } from './knowledge-aggregates';

/** The scenario catalogue: which scenarios exist, which are fixed (contractor-safe), and their SOP. */
@Injectable()
export class ScenarioService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly aggregates: KnowledgeAggregates,
    private readonly views: KnowledgeViews,
  ) {}

  /** Defines the scenario, or changes it to what is given (PUT semantics). */
  put(scenario: Scenario, context: CommandContext): Promise<CommandOutcome<CatalogueScenario> & { created?: boolean }> {
    const { scenarioId, ...fields } = scenario;
    return this.dataSource.transaction(async (manager) => {
      const { state } = await this.aggregates.scenarios.load(manager, scenarioId);
      const created = !scenarioExists(state);
      const outcome = await this.aggregates.scenarios.handleIn(
        manager,
        scenarioId,
        (at) =>
          created ? { type: 'DefineScenario', scenarioId, ...fields, actor: context.actor, at } : { type: 'ChangeScenario', scenarioId, ...fields, actor: context.actor, at },
        context,
      );
      return outcome.ok ? { ...outcome, created } : outcome;
    });
  }

  find(scenarioId: string): Promise<View<CatalogueScenario> | undefined> {
    return this.views.scenario(this.dataSource, scenarioId);
  }

  list(filter: { faultCategory?: string; fixed?: boolean }, page: PageRequest<SortKey<typeof SCENARIO_CURSOR>>): Promise<Page<View<CatalogueScenario>>> {
    return this.views.scenarios(this.dataSource, filter, page);
  }
}
