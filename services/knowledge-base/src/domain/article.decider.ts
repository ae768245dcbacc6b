import { Actor, ARTICLE_KINDS, ArticleEvent, ArticleKind } from '@support/contracts';
import { accept, Decider, Decision, reject } from '@support/decider';
import { aRole, atProblem, blank, invalid, isBlank, isLeadOrSenior, memberOf, notScenarioId, notUuid, oneOf, optional, text } from './checks';
import { ArticleCommand, ArticleCommandType, DraftArticle, ReviseArticle } from './article.commands';
import { Article, ArticleState, ArticleStatus, evolveArticle, initialArticleState, latestVersion } from './article.state';

/** as the article schemas */
export const MAX_TITLE = 300;
export const MAX_BODY = 100_000;
export const MAX_TAGS = 50;

interface ArticleTransition {
  /** for rejections: "cannot <verb> an article that is <status>" */
  verb: string;
  /** the statuses the command is legal in */
  from: readonly ArticleStatus[];
  /** why not, for a status the command is not legal in */
  hints?: Partial<Record<ArticleStatus, string>>;
}

const NOT_UNDER_REVIEW = { draft: 'it must be submitted first', published: 'it must be revised and submitted first' };

/** Which command is legal in which status; evolve sets the status each event leads to. */
export const ARTICLE_TRANSITIONS: Readonly<Record<Exclude<ArticleCommandType, 'DraftArticle'>, ArticleTransition>> = {
  ReviseArticle: { verb: 'revise', from: ['draft', 'published'], hints: { 'in-review': 'withdraw it from review first (a reviewer requests changes): it is in review' } },
  SubmitArticle: { verb: 'submit', from: ['draft'], hints: { 'in-review': 'it is in review already', published: 'revise it first: the published version was reviewed' } },
  RequestChanges: { verb: 'request changes to', from: ['in-review'], hints: NOT_UNDER_REVIEW },
  PublishArticle: { verb: 'publish', from: ['in-review'], hints: NOT_UNDER_REVIEW },
  RetireArticle: { verb: 'retire', from: ['draft', 'in-review', 'published'] },
};

// what each command is, for "an agent may not <verb> SOP articles"
const WHO_VERB: Record<ArticleCommandType, string> = {
  DraftArticle: 'write',
  ReviseArticle: 'write',
  SubmitArticle: 'submit',
  RequestChanges: 'review',
  PublishArticle: 'review',
  RetireArticle: 'retire',
};
const KIND_LABEL: Record<ArticleKind, string> = { sop: 'SOP', faq: 'FAQ' };

/**
 * The Article decider (SOP and FAQ). Order of checks as in the other deciders: the article must exist
 * (`not-found`), the command must be legal in its status and for this actor (a lead or a senior; a
 * reviewer other than the version's author; `illegal-transition`, 409), then its values must hold
 * (`invalid-command`, 400).
 */
export const articleDecider: Decider<ArticleCommand, ArticleEvent, ArticleState> = {
  decide: decideArticle,
  evolve: evolveArticle,
  initialState: initialArticleState,
};

export function decideArticle(command: ArticleCommand, state: ArticleState): Decision<ArticleEvent> {
  if (command.type === 'DraftArticle') {
    if (state.status !== 'none') return reject('illegal-transition', `article ${command.articleId} already exists (it is ${state.status})`);
    const refused = roleProblem(command.actor, command.type, command.kind);
    if (refused) return reject('illegal-transition', refused);
    const problem = atProblem(command.at) ?? notUuid(command.articleId, 'articleId') ?? oneOf(command.kind, ARTICLE_KINDS, 'kind') ?? contentProblem(command);
    if (problem) return invalid(problem);
    return accept({
      type: 'support.article.drafted.v1',
      data: { articleId: command.articleId, version: 1, kind: command.kind, ...contentOf(command), author: memberOf(command.actor) },
    });
  }

  if (state.status === 'none') return reject('not-found', `article ${command.articleId} does not exist`);
  if (state.articleId !== command.articleId) {
    // the caller loaded the wrong stream: a bug, not a business outcome
    throw new Error(`command for article ${command.articleId} decided on article ${state.articleId}`);
  }
  const article = state;
  const transition = ARTICLE_TRANSITIONS[command.type];
  if (!transition.from.includes(article.status)) {
    const why = article.status === 'retired' ? 'it is final' : transition.hints?.[article.status];
    return reject('illegal-transition', `cannot ${transition.verb} an article that is ${article.status}${why ? `: ${why}` : ''}`);
  }
  const refused = roleProblem(command.actor, command.type, article.kind) ?? actorProblem(command, article);
  if (refused) return reject('illegal-transition', refused);
  const atInvalid = atProblem(command.at);
  if (atInvalid) return invalid(atInvalid);
  const latest = latestVersion(article);
  const ref = { articleId: article.articleId, version: article.version };

  switch (command.type) {
    case 'ReviseArticle': {
      const problem = contentProblem(command);
      if (problem) return invalid(problem);
      return accept({
        type: 'support.article.revised.v1',
        data: { articleId: article.articleId, version: article.version + 1, ...contentOf(command), author: memberOf(command.actor) },
      });
    }

    case 'SubmitArticle':
      return accept({ type: 'support.article.submitted.v1', data: ref });

    case 'RequestChanges': {
      const problem = blank(command.reason, 'reason');
      if (problem) return invalid(problem);
      return accept({ type: 'support.article.changes-requested.v1', data: { ...ref, reviewer: memberOf(command.actor), reason: command.reason } });
    }

    case 'PublishArticle': {
      const { title, body, scenarioId, tags, author } = latest;
      return accept({
        type: 'support.article.published.v1',
        data: { ...ref, kind: article.kind, title, body, ...optional('scenarioId', scenarioId), tags: [...tags], author: memberOf(author), reviewer: memberOf(command.actor) },
      });
    }

    case 'RetireArticle': {
      const problem = blank(command.reason, 'reason');
      if (problem) return invalid(problem);
      return accept({ type: 'support.article.retired.v1', data: { ...ref, reason: command.reason } });
    }
  }
}

// the lead and seniors own the SOP library and the FAQ handbook; agents and contractors only read them
function roleProblem(actor: Actor, type: ArticleCommandType, kind: ArticleKind): string | undefined {
  return isLeadOrSenior(actor) ? undefined : `${aRole(actor)} may not ${WHO_VERB[type]} ${KIND_LABEL[kind] ?? 'knowledge-base'} articles`;
}

// review is by someone other than the version's author (a lead too: that is what review is for); the
// author of the latest version, or a lead, sends it
function actorProblem(command: Exclude<ArticleCommand, DraftArticle>, article: Article): string | undefined {
  const { actor } = command;
  const author = latestVersion(article).author;
  switch (command.type) {
    case 'SubmitArticle':
      return actor.role === 'lead' || actor.id === author.id ? undefined : `only the author of version ${article.version} (${author.id}) or a lead may submit it`;
    case 'RequestChanges':
      return actor.id === author.id ? 'an author cannot review their own article' : undefined;
    case 'PublishArticle':
      return actor.id === author.id ? 'an author cannot approve their own article' : undefined;
    default:
      return undefined;
  }
}

/** The content rules of a draft or a revision; exported for callers that want to check before sending. */
export function contentProblem(content: Pick<DraftArticle | ReviseArticle, 'title' | 'body' | 'scenarioId' | 'tags' | 'actor'>): string | undefined {
  return (
    blank(content.actor?.id, 'actor.id') ??
    text(content.title, 'title', MAX_TITLE) ??
    text(content.body, 'body', MAX_BODY) ??
    (content.scenarioId === undefined ? undefined : notScenarioId(content.scenarioId, 'scenarioId')) ??
    tagsProblem(content.tags)
  );
}

function tagsProblem(tags: unknown): string | undefined {
  if (!Array.isArray(tags)) return 'tags must be a list (possibly empty)';
  if (tags.length > MAX_TAGS) return `tags must have at most ${MAX_TAGS} entries`;
  if (tags.some((tag) => isBlank(tag))) return 'tags must not contain empty entries';
  return new Set(tags).size === tags.length ? undefined : 'tags must not repeat a tag';
}

// exactly the schema's content fields, whatever else a command carries
function contentOf(command: DraftArticle | ReviseArticle) {
  return { title: command.title, body: command.body, ...optional('scenarioId', command.scenarioId), tags: [...command.tags] };
}
