import { EntityManager } from 'typeorm';
import { Jsonified } from '@support/contracts';
import { qualified, SqlExecutor } from '@support/event-store';
import { cursorShape, Page, pageOf, PageRequest, rowsToRead, SortKey } from '@support/service-kit';
import { Article, CaseAnalysis, CatalogueScenario, LibraryCase } from '../domain';

/** An aggregate as the API shows it: its state (dates as ISO strings) and its stream version. */
export type View<State> = Jsonified<State> & { version: number };

// each list's sort key: its cursor holds the last item's
export const ARTICLE_CURSOR = cursorShape({ articleId: 'uuid' });
export const SCENARIO_CURSOR = cursorShape({ faultCategory: 'text', scenarioId: 'text' });
export const CASE_CURSOR = cursorShape({ caseId: 'uuid' });
/** open analyses' due time (none yet: null, last), then id */
export const ANALYSIS_CURSOR = cursorShape({ dueAt: 'time?', analysisId: 'uuid' });

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

  /** a page of articles by id */
  async findArticles(
    executor: SqlExecutor,
    filter: { kind?: string; status?: string; scenarioId?: string },
    page: PageRequest<SortKey<typeof ARTICLE_CURSOR>>,
  ): Promise<Page<View<Article>>> {
    const rows = await executor.query(
      `SELECT state, version FROM ${this.articles} WHERE ($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR scenario_id = $3)
          AND ($4::uuid IS NULL OR article_id > $4)
        ORDER BY article_id LIMIT $5`,
      [filter.kind ?? null, filter.status ?? null, filter.scenarioId ?? null, page.after?.articleId ?? null, rowsToRead(page)],
    );
    return pageOf(all<Jsonified<Article>>(rows), page, (article) => ({ articleId: article.articleId }));
  }

  async scenario(executor: SqlExecutor, scenarioId: string): Promise<View<CatalogueScenario> | undefined> {
    return one(await executor.query(`SELECT state, version FROM ${this.catalogue} WHERE scenario_id = $1`, [scenarioId]));
  }

  /** a page of the catalogue by fault category, then scenario id */
  async scenarios(
    executor: SqlExecutor,
    filter: { faultCategory?: string; fixed?: boolean },
    page: PageRequest<SortKey<typeof SCENARIO_CURSOR>>,
  ): Promise<Page<View<CatalogueScenario>>> {
    const rows = await executor.query(
      `SELECT state, version FROM ${this.catalogue} WHERE ($1::text IS NULL OR fault_category = $1) AND ($2::boolean IS NULL OR fixed = $2)
          AND ($4::text IS NULL OR (fault_category, scenario_id) > ($3::text, $4::text))
        ORDER BY fault_category, scenario_id LIMIT $5`,
      [filter.faultCategory ?? null, filter.fixed ?? null, page.after?.faultCategory ?? null, page.after?.scenarioId ?? null, rowsToRead(page)],
    );
    return pageOf(all<Jsonified<CatalogueScenario>>(rows), page, (scenario) => ({ faultCategory: scenario.faultCategory, scenarioId: scenario.scenarioId }));
  }

  /** a case, or nothing when there is none or it is out of the reader's scope (the same answer) */
  async case(executor: SqlExecutor, caseId: string, scope: ReaderScope = {}): Promise<Jsonified<LibraryCase> | undefined> {
    const rows = await executor.query(`SELECT state FROM ${this.cases} c WHERE case_id = $1 AND ${this.dispatchedTo('$2', 'c')}`, [caseId, scope.contractorId ?? null]);
    return rows[0]?.state;
  }

  /** a page of library cases by id */
  async findCases(
    executor: SqlExecutor,
    filter: { ticketId?: string; scenarioId?: string } & ReaderScope,
    page: PageRequest<SortKey<typeof CASE_CURSOR>>,
  ): Promise<Page<Jsonified<LibraryCase>>> {
    const rows = await executor.query(
      `SELECT state FROM ${this.cases} c WHERE ($1::uuid IS NULL OR ticket_id = $1) AND ($2::text IS NULL OR scenario_id = $2) AND ${this.dispatchedTo('$3', 'c')}
          AND ($4::uuid IS NULL OR case_id > $4)
        ORDER BY case_id LIMIT $5`,
      [filter.ticketId ?? null, filter.scenarioId ?? null, filter.contractorId ?? null, page.after?.caseId ?? null, rowsToRead(page)],
    );
    const cases = rows.map((row: { state: Jsonified<LibraryCase> }) => row.state);
    return pageOf(cases, page, (filed) => ({ caseId: filed.caseId }));
  }

  /** the ids of every case filed for a ticket */
  async caseIdsOf(executor: SqlExecutor, ticketId: string): Promise<string[]> {
    const rows = await executor.query(`SELECT case_id FROM ${this.cases} WHERE ticket_id = $1 ORDER BY case_id`, [ticketId]);
    return rows.map((row: { case_id: string }) => row.case_id);
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

  /** a page of analyses by due time (none yet: last), then id */
  async findAnalyses(
    executor: SqlExecutor,
    filter: { status?: string; scenarioId?: string } & ReaderScope,
    page: PageRequest<SortKey<typeof ANALYSIS_CURSOR>>,
  ): Promise<Page<View<CaseAnalysis> & { dueAt?: string }>> {
    // 'infinity' stands for no due time yet: NULLS LAST as one key the row comparison can take
    const rows = await executor.query(
      `SELECT state, version, due_at FROM ${this.analyses} a WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR scenario_id = $2) AND ${this.dispatchedTo('$3', 'a')}
          AND ($5::uuid IS NULL OR (COALESCE(due_at, 'infinity'), analysis_id) > (COALESCE($4::timestamptz, 'infinity'), $5::uuid))
        ORDER BY COALESCE(due_at, 'infinity'), analysis_id LIMIT $6`,
      [filter.status ?? null, filter.scenarioId ?? null, filter.contractorId ?? null, page.after?.dueAt ?? null, page.after?.analysisId ?? null, rowsToRead(page)],
    );
    return pageOf(withDue<Jsonified<CaseAnalysis>>(rows), page, (analysis) => ({ dueAt: analysis.dueAt ?? null, analysisId: analysis.analysisId }));
  }

  /** whether any analysis was opened for the scenario */
  async hasAnalysis(executor: SqlExecutor, scenarioId: string): Promise<boolean> {
    const rows = await executor.query(`SELECT 1 FROM ${this.analyses} WHERE scenario_id = $1 LIMIT 1`, [scenarioId]);
    return rows.length > 0;
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
