import { dataSchemaWith, defineEvent, defineNarrowedEvent, EventOf } from '../catalogue/event-definition';
import { actorSchema, requiredTextSchema, uuidSchema } from '../tickets/ticket.vocabulary';

// standard solutions: SOP articles (for a fault scenario) and FAQ entries, versioned and reviewed:
// drafted (version 1) -> submitted -> published, or changes requested -> revised (a new version) -> ...
// A published article stays live while its next version is drafted and reviewed; retired ends it.

export const ARTICLES_TOPIC = 'support.articles.v1';
export const ARTICLE_AGGREGATE = 'article';

export const ARTICLE_KINDS = ['sop', 'faq'] as const;
export type ArticleKind = (typeof ARTICLE_KINDS)[number];

const contentProperties = {
  title: { type: 'string', minLength: 1, maxLength: 300 },
  body: { type: 'string', minLength: 1, maxLength: 100_000 },
  // the scenario an SOP is for (scenario catalogue id)
  scenarioId: requiredTextSchema,
  tags: { type: 'array', items: requiredTextSchema, maxItems: 50, uniqueItems: true },
} as const;
const versionSchema = { type: 'integer', minimum: 1, description: "the article's version (each revision is a new one)" } as const;

const articleDataSchema = dataSchemaWith({ articleId: uuidSchema, version: versionSchema }, ['articleId', 'version']);

// the published schema takes any version; a draft is always version 1
export const articleDrafted = defineNarrowedEvent<{ version: 1 }>()({
  type: 'support.article.drafted.v1',
  topic: ARTICLES_TOPIC,
  aggregate: ARTICLE_AGGREGATE,
  description: 'A new SOP or FAQ article was written (version 1, a draft).',
  schema: articleDataSchema({ ...contentProperties, kind: { enum: [...ARTICLE_KINDS] }, author: actorSchema }, ['kind', 'title', 'body', 'tags', 'author']),
});

export const articleRevised = defineEvent({
  type: 'support.article.revised.v1',
  topic: ARTICLES_TOPIC,
  aggregate: ARTICLE_AGGREGATE,
  description: 'A new version was written (a draft; a published version stays live until this one is published).',
  schema: articleDataSchema({ ...contentProperties, author: actorSchema }, ['title', 'body', 'tags', 'author']),
});

export const articleSubmitted = defineEvent({
  type: 'support.article.submitted.v1',
  topic: ARTICLES_TOPIC,
  aggregate: ARTICLE_AGGREGATE,
  description: 'The draft version was sent for review by another lead or senior.',
  schema: articleDataSchema({}),
});

export const articleChangesRequested = defineEvent({
  type: 'support.article.changes-requested.v1',
  topic: ARTICLES_TOPIC,
  aggregate: ARTICLE_AGGREGATE,
  description: 'The reviewer sent the version back with a reason; the author revises it.',
  schema: articleDataSchema({ reviewer: actorSchema, reason: requiredTextSchema }, ['reviewer', 'reason']),
});

export const articlePublished = defineEvent({
  type: 'support.article.published.v1',
  topic: ARTICLES_TOPIC,
  aggregate: ARTICLE_AGGREGATE,
  description: 'The reviewed version is the live one; its whole content is here for search and for readers of the stream.',
  schema: articleDataSchema({ ...contentProperties, kind: { enum: [...ARTICLE_KINDS] }, author: actorSchema, reviewer: actorSchema }, [
    'kind',
    'title',
    'body',
    'tags',
    'author',
    'reviewer',
  ]),
});

export const articleRetired = defineEvent({
  type: 'support.article.retired.v1',
  topic: ARTICLES_TOPIC,
  aggregate: ARTICLE_AGGREGATE,
  description: 'The article is withdrawn (it no longer applies), with the reason.',
  schema: articleDataSchema({ reason: requiredTextSchema }, ['reason']),
});

/** What one version of an article says. */
export type ArticleContent = Pick<EventOf<typeof articlePublished>['data'], keyof typeof contentProperties>;

export const articleEvents = [articleDrafted, articleRevised, articleSubmitted, articleChangesRequested, articlePublished, articleRetired];
export type ArticleEvent = EventOf<(typeof articleEvents)[number]>;
