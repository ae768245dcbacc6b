import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { createTwoFilesPatch } from 'diff';
import { DataSource, EntityManager } from 'typeorm';
import { RecordedEvent } from '@support/contracts';
import { CommandInput, CommandRefusal } from '@support/decider';
import { CommandContext, CommandOutcome, IdempotencyStore, OnceOutcome } from '@support/command-handling';
import { Article, ArticleCommand, ArticleVersion, DraftArticle, liveVersion } from '../domain';
import { Page, PageRequest, SortKey } from '@support/service-kit';
import { ARTICLE_CURSOR, KnowledgeViews, View } from '../persistence/knowledge-views.repository';
import { SearchIndex } from '../search';
import { KnowledgeAggregates } from './knowledge-aggregates';

/** What a new article, scenario or analysis answers: its id, status and version. */
export interface Created {
  id: string;
  status: string;
  version: number;
}

/**
 * SOP and FAQ articles: drafted, revised (every version kept), reviewed by another lead or senior,
 * published (the live version is what search finds), retired.
 */
@Injectable()
export class ArticleService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly aggregates: KnowledgeAggregates,
    private readonly views: KnowledgeViews,
    private readonly search: SearchIndex,
    private readonly idempotency: IdempotencyStore,
  ) {}

  async draft(input: CommandInput<DraftArticle, 'articleId' | 'type'>, context: CommandContext, idempotencyKey?: string): Promise<OnceOutcome<Created, CommandRefusal>> {
    return this.idempotency.once<Created, CommandRefusal>(this.dataSource, { operation: 'draft-article', caller: context.actor.id }, idempotencyKey, input, async (manager) => {
      const articleId = randomUUID();
      const outcome = await this.executeIn(manager, articleId, { ...input, type: 'DraftArticle' }, context);
      if (!outcome.ok) return { refused: outcome };
      return { status: 201, body: { id: articleId, status: outcome.entity.status, version: outcome.version } };
    });
  }

  execute(articleId: string, command: CommandInput<ArticleCommand, 'articleId'>, context: CommandContext): Promise<CommandOutcome<Article>> {
    return this.dataSource.transaction((manager) => this.executeIn(manager, articleId, command, context));
  }

  /** runs an article command and keeps the search index on the live version, in the caller's transaction */
  async executeIn(manager: EntityManager, articleId: string, command: CommandInput<ArticleCommand, 'articleId'>, context: CommandContext): Promise<CommandOutcome<Article>> {
    const outcome = await this.aggregates.articles.handleIn(manager, articleId, (at) => ({ ...command, articleId, actor: context.actor, at }) as ArticleCommand, context);
    if (outcome.ok) await this.index(manager, outcome.entity);
    return outcome;
  }

  find(articleId: string): Promise<View<Article> | undefined> {
    return this.views.article(this.dataSource, articleId);
  }

  list(filter: { kind?: string; status?: string; scenarioId?: string }, page: PageRequest<SortKey<typeof ARTICLE_CURSOR>>): Promise<Page<View<Article>>> {
    return this.views.findArticles(this.dataSource, filter, page);
  }

  history(articleId: string): Promise<RecordedEvent[]> {
    return this.aggregates.articles.history(this.dataSource, articleId);
  }

  /** a unified diff between two versions of an article (title, tags and body) */
  async diff(articleId: string, from: number, to: number): Promise<{ from: number; to: number; patch: string } | { missing: string }> {
    const article = await this.views.article(this.dataSource, articleId);
    if (!article) return { missing: `article ${articleId} not found` };
    const [a, b] = [from, to].map((n) => article.versions.find((v) => v.version === n));
    if (!a || !b) return { missing: `article ${articleId} has versions 1 to ${article.versions.length}` };
    return { from, to, patch: createTwoFilesPatch(`v${from}`, `v${to}`, asText(a), asText(b)) };
  }

  private async index(manager: EntityManager, article: Article): Promise<void> {
    const live = article.status === 'retired' ? undefined : liveVersion(article);
    if (!live) return this.search.remove(manager, article.kind, article.articleId);
    await this.search.upsert(manager, { type: article.kind, id: article.articleId, version: live.version, title: live.title, body: live.body, tags: live.tags });
  }
}

function asText(version: Pick<ArticleVersion, 'title' | 'tags' | 'body'> | { title: string; tags: string[]; body: string }): string {
  return `# ${version.title}\ntags: ${version.tags.join(', ')}\n\n${version.body}\n`;
}
