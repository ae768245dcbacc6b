import { EntityManager } from 'typeorm';
import { Scenario } from '@support/contracts';
import { qualified, SqlExecutor } from '@support/event-store';

/** The scenario catalogue as routing needs it: fixed or not, per scenario id. */
export class ScenarioCatalogueRepository {
  private readonly table: string;

  constructor(schema: string) {
    this.table = qualified(schema, 'scenarios');
  }

  /** keeps the scenario as of `version`, unless routing holds a newer version already */
  async save(manager: EntityManager, scenario: Pick<Scenario, 'scenarioId' | 'faultCategory' | 'fixed'>, version: number): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.table} AS s (scenario_id, fault_category, fixed, version) VALUES ($1, $2, $3, $4)
       ON CONFLICT (scenario_id) DO UPDATE SET fault_category = EXCLUDED.fault_category, fixed = EXCLUDED.fixed, version = EXCLUDED.version
         WHERE s.version <= EXCLUDED.version`,
      [scenario.scenarioId, scenario.faultCategory, scenario.fixed, version],
    );
  }

  /** the version of the scenario routing holds; undefined when the catalogue has not listed it yet */
  async versionOf(executor: SqlExecutor, scenarioId: string): Promise<number | undefined> {
    const rows: Array<{ version: number }> = await executor.query(`SELECT version FROM ${this.table} WHERE scenario_id = $1`, [scenarioId]);
    return rows[0]?.version;
  }

  /** whether each of these scenarios is fixed; a scenario the catalogue does not list is absent */
  async fixedness(executor: SqlExecutor, scenarioIds: readonly string[]): Promise<Map<string, boolean>> {
    if (scenarioIds.length === 0) return new Map();
    const rows: Array<{ scenario_id: string; fixed: boolean }> = await executor.query(`SELECT scenario_id, fixed FROM ${this.table} WHERE scenario_id = ANY($1)`, [
      [...scenarioIds],
    ]);
    return new Map(rows.map((row) => [row.scenario_id, row.fixed]));
  }
}
