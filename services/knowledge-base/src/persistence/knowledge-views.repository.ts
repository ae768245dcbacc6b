import { EntityManager } from 'typeorm';
import { Jsonified } from '@support/contracts';
import { qualified, SqlExecutor } from '@support/event-store';
import { Article, CaseAnalysis, CatalogueScenario, LibraryCase } from '../domain';

/** An aggregate as the API shows it: its state (dates as ISO strings) and its stream version. */
export type View<State> = Jsonified<State> & { version: number };

const PAGE = 200;

/** Whose reading it is: a contractor reads only the cases and analyses of tickets dispatched to them. */
export interface ReaderScope {
  contractorId?: string;
}

/** The knowledge base's read models: articles, scenarios, cases, analyses. */
export class KnowledgeViews {
  private readonly articles: string;
  private readonly catalogue: string;
  private readonly cases: string;
  private readonly analyses: string;
  private readonly tickets: string;

  constructor(schema: string) {
    this.articles = qualified(schema, 'articles');
    this.catalogue = qualified(schema, 'scenarios');
    this.cases = qualified(schema, 'cases');
    this.analyses = qualified(schema, 'analyses');
    this.tickets = qualified(schema, 'ticket_knowledge');
  }

  async saveArticle(manager: EntityManager, article: Article, version: number): Promise<void> {
    const latest = article.versions[article.versions.length - 1];
    await manager.query(
      `INSERT INTO ${this.articles} (article_id, kind, status, scenario_id, state, version) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (article_id) DO UPDATE SET status = EXCLUDED.status, scenario_id = EXCLUDED.scenario_id, state = EXCLUDED.state, version = EXCLUDED.version`,
      [article.articleId, article.kind, article.status, latest?.scenarioId ?? null, JSON.stringify(article), version],
    );
  }

  async saveScenario(manager: EntityManager, scenario: CatalogueScenario, version: number): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.catalogue} (scenario_id, fault_category, fixed, state, version) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (scenario_id) DO UPDATE SET fault_category = EXCLUDED.fault_category, fixed = EXCLUDED.fixed, state = EXCLUDED.state, version = EXCLUDED.version`,
      [scenario.scenarioId, scenario.faultCategory, scenario.fixed, JSON.stringify(scenario), version],
    );
  }

  async saveCase(manager: EntityManager, filed: LibraryCase): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.cases} (case_id, ticket_id, scenario_id, sop_article_id, state) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (case_id) DO UPDATE SET scenario_id = EXCLUDED.scenario_id, sop_article_id = EXCLUDED.sop_article_id, state = EXCLUDED.state`,
      [filed.caseId, filed.ticketId, filed.scenarioId ?? null, filed.sopArticleId ?? null, JSON.stringify(filed)],
    );
  }

  async saveAnalysis(manager: EntityManager, analysis: CaseAnalysis, version: number): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.analyses} (analysis_id, ticket_id, scenario_id, status, state, version) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (analysis_id) DO UPDATE SET status = EXCLUDED.status, state = EXCLUDED.state, version = EXCLUDED.version`,
      [analysis.analysisId, analysis.ticketId, analysis.scenarioId, analysis.status, JSON.stringify(analysis), version],
    );
  }

  /** the due time sla-monitor computed for an analysis (3 working days) */
  async setAnalysisDue(manager: EntityManager, analysisId: string, dueAt: string): Promise<void> {
    await manager.query(`UPDATE ${this.analyses} SET due_at = $2 WHERE analysis_id = $1`, [analysisId, dueAt]);
  }

  async article(executor: SqlExecutor, articleId: string): Promise<View<Article> | undefined> {
    return one(await executor.query(`SELECT state, version FROM ${this.articles} WHERE article_id = $1`, [articleId]));
  }

  async findArticles(executor: SqlExecutor, filter: { kind?: string; status?: string; scenarioId?: string }): Promise<Array<View<Article>>> {
    return all(
      await executor.query(
        `SELECT state, version FROM ${this.articles} WHERE ($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR scenario_id = $3)
          ORDER BY state->>'articleId' LIMIT ${PAGE}`,
        [filter.kind ?? null, filter.status ?? null, filter.scenarioId ?? null],
      ),
    );
  }

  async scenario(executor: SqlExecutor, scenarioId: string): Promise<View<CatalogueScenario> | undefined> {
    return one(await executor.query(`SELECT state, version FROM ${this.catalogue} WHERE scenario_id = $1`, [scenarioId]));
  }

  async scenarios(executor: SqlExecutor, filter: { faultCategory?: string; fixed?: boolean }): Promise<Array<View<CatalogueScenario>>> {
    return all(
      await executor.query(
        `SELECT state, version FROM ${this.catalogue} WHERE ($1::text IS NULL OR fault_category = $1) AND ($2::boolean IS NULL OR fixed = $2) ORDER BY fault_category, scenario_id`,
        [filter.faultCategory ?? null, filter.fixed ?? null],
      ),
    );
  }

  /** a case, or nothing when there is none or it is out of the reader's scope (the same answer) */
  async case(executor: SqlExecutor, caseId: string, scope: ReaderScope = {}): Promise<Jsonified<LibraryCase> | undefined> {
    const rows = await executor.query(`SELECT state FROM ${this.cases} c WHERE case_id = $1 AND ${this.dispatchedTo('$2', 'c')}`, [caseId, scope.contractorId ?? null]);
    return rows[0]?.state;
  }

  async findCases(executor: SqlExecutor, filter: { ticketId?: string; scenarioId?: string } & ReaderScope): Promise<Array<Jsonified<LibraryCase>>> {
    const rows = await executor.query(
      `SELECT state FROM ${this.cases} c WHERE ($1::uuid IS NULL OR ticket_id = $1) AND ($2::text IS NULL OR scenario_id = $2) AND ${this.dispatchedTo('$3', 'c')}
        ORDER BY case_id LIMIT ${PAGE}`,
      [filter.ticketId ?? null, filter.scenarioId ?? null, filter.contractorId ?? null],
    );
    return rows.map((row: { state: Jsonified<LibraryCase> }) => row.state);
  }

  /** the ids of every case of the tickets dispatched to a contractor (what search may show them) */
  async contractorCaseIds(executor: SqlExecutor, contractorId: string): Promise<string[]> {
    const rows = await executor.query(`SELECT case_id FROM ${this.cases} c WHERE ${this.dispatchedTo('$1', 'c')}`, [contractorId]);
    return rows.map((row: { case_id: string }) => row.case_id);
  }

  /** an analysis, or nothing when there is none or it is out of the reader's scope (the same answer) */
  async analysis(executor: SqlExecutor, analysisId: string, scope: ReaderScope = {}): Promise<(View<CaseAnalysis> & { dueAt?: string }) | undefined> {
    return withDue<Jsonified<CaseAnalysis>>(
      await executor.query(`SELECT state, version, due_at FROM ${this.analyses} a WHERE analysis_id = $1 AND ${this.dispatchedTo('$2', 'a')}`, [
        analysisId,
        scope.contractorId ?? null,
      ]),
    )[0];
  }

  async findAnalyses(executor: SqlExecutor, filter: { status?: string; scenarioId?: string } & ReaderScope): Promise<Array<View<CaseAnalysis> & { dueAt?: string }>> {
    return withDue<Jsonified<CaseAnalysis>>(
      await executor.query(
        `SELECT state, version, due_at FROM ${this.analyses} a WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR scenario_id = $2) AND ${this.dispatchedTo('$3', 'a')}
          ORDER BY due_at NULLS LAST, analysis_id LIMIT ${PAGE}`,
        [filter.status ?? null, filter.scenarioId ?? null, filter.contractorId ?? null],
      ),
    );
  }

  // SQL: the row's ticket is dispatched to the contractor in `param` (always true when it is null)
  private dispatchedTo(param: string, alias: string): string {
    return `(${param}::text IS NULL OR EXISTS (SELECT 1 FROM ${this.tickets} t
              WHERE t.ticket_id = ${alias}.ticket_id AND t.assignee_role = 'contractor' AND t.assignee_id = ${param}::text))`;
  }
}

function one<T>(rows: Array<{ state: T; version: number }>): (T & { version: number }) | undefined {
  return rows[0] && { ...rows[0].state, version: rows[0].version };
}

function all<T>(rows: Array<{ state: T; version: number }>): Array<T & { version: number }> {
  return rows.map((row) => ({ ...row.state, version: row.version }));
}

function withDue<T extends object>(rows: Array<{ state: T; version: number; due_at: Date | null }>): Array<T & { version: number; dueAt?: string }> {
  return rows.map((row) => Object.assign({}, row.state, { version: row.version }, row.due_at ? { dueAt: row.due_at.toISOString() } : {}));
}
