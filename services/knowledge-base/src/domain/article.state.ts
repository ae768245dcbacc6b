import { ArticleContent, ArticleEvent, ArticleKind } from '@support/contracts';
import { Member, optional, without } from './checks';

export const ARTICLE_STATUSES = ['draft', 'in-review', 'published', 'retired'] as const;
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];

/** Before `support.article.drafted.v1`: the article does not exist. */
export interface NoArticle {
  readonly status: 'none';
}

/**
 * One version of an article, as it was written. The article events carry no time, so neither does the
 * version: when it was written is the envelope's `occurredAt` of its drafted or revised event.
 */
export interface ArticleVersion {
  readonly version: number;
  readonly title: string;
  readonly body: string;
  readonly scenarioId?: string;
  readonly tags: readonly string[];
  readonly author: Member;
}

/** An SOP or FAQ article as its events describe it, every version kept. */
export interface Article {
  readonly articleId: string;
  readonly kind: ArticleKind;
  readonly status: ArticleStatus;
  /** the latest version: the one being drafted or reviewed */
  readonly version: number;
  /** every version, oldest first (versions[i].version === i + 1) */
  readonly versions: readonly ArticleVersion[];
  /** the live version; absent before the first publication and once retired */
  readonly publishedVersion?: number;
  /** why the last review sent it back; cleared when it is submitted again */
  readonly reviewNote?: string;
  readonly retiredReason?: string;
}

/** The decider's state: no article yet, or the article. */
export type ArticleState = NoArticle | Article;

export const initialArticleState = (): ArticleState => ({ status: 'none' });

export function articleExists(state: ArticleState): state is Article {
  return state.status !== 'none';
}

/** The version readers see: the published one, or undefined (never published, or retired). */
export function liveVersion(article: Article): ArticleVersion | undefined {
  return article.publishedVersion === undefined ? undefined : article.versions.find((v) => v.version === article.publishedVersion);
}

/** The version being drafted or reviewed. */
export function latestVersion(article: Article): ArticleVersion {
  return article.versions[article.versions.length - 1];
}

/** Applies one event. Events are facts: each sets its status whatever the status before. */
export function evolveArticle(state: ArticleState, event: ArticleEvent): ArticleState {
  if (event.type === 'support.article.drafted.v1') {
    if (articleExists(state)) throw new Error(`article ${state.articleId} drafted twice`);
    const { articleId, kind } = event.data;
    return { articleId, kind, status: 'draft', version: 1, versions: [versionOf(1, event.data)] };
  }
  if (!articleExists(state)) throw new Error(`${event.type} for an article that was never drafted`);

  switch (event.type) {
    case 'support.article.revised.v1': {
      const { version } = event.data;
      if (version !== state.version + 1) throw new Error(`article ${state.articleId} revised to version ${version} after version ${state.version}`);
      return { ...state, status: 'draft', version, versions: [...state.versions, versionOf(version, event.data)] };
    }
    case 'support.article.submitted.v1':
      return { ...without(state, 'reviewNote'), status: 'in-review' };
    case 'support.article.changes-requested.v1':
      return { ...state, status: 'draft', reviewNote: event.data.reason };
    case 'support.article.published.v1':
      return { ...state, status: 'published', publishedVersion: event.data.version };
    case 'support.article.retired.v1':
      // nothing is live once retired; every version stays
      return { ...without(state, 'publishedVersion'), status: 'retired', retiredReason: event.data.reason };
  }
}

// a copy of exactly the version's fields: the state never shares objects with an event
function versionOf(version: number, data: ArticleContent & { author: Member }): ArticleVersion {
  const { title, body, scenarioId, tags, author } = data;
  return { version, title, body, ...optional('scenarioId', scenarioId), tags: [...tags], author: { id: author.id, role: author.role, ...optional('name', author.name) } };
}
