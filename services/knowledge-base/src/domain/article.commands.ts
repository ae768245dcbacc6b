import { Actor, ArticleKind } from '@support/contracts';

/** What every article command carries: the article, who asks, and the injected time of the request. */
interface ArticleCommandBase<Type extends string> {
  type: Type;
  articleId: string;
  actor: Actor;
  /** now, from the injected clock: the decider never reads a clock */
  at: Date;
}

/** Creates the article as version 1, a draft; the actor is its author. */
export interface DraftArticle extends ArticleCommandBase<'DraftArticle'> {
  kind: ArticleKind;
  title: string;
  body: string;
  /** the catalogue scenario an SOP is for */
  scenarioId?: string;
  tags: string[];
}

/** A new version (the whole content, not a patch); the actor is its author. A published version stays live. */
export interface ReviseArticle extends ArticleCommandBase<'ReviseArticle'> {
  title: string;
  body: string;
  scenarioId?: string;
  tags: string[];
}

/** Sends the latest version for review. */
export type SubmitArticle = ArticleCommandBase<'SubmitArticle'>;

/** The reviewer sends the version back to draft. */
export interface RequestChanges extends ArticleCommandBase<'RequestChanges'> {
  reason: string;
}

/** The reviewer makes the version under review the live one. */
export type PublishArticle = ArticleCommandBase<'PublishArticle'>;

export interface RetireArticle extends ArticleCommandBase<'RetireArticle'> {
  reason: string;
}

export type ArticleCommand = DraftArticle | ReviseArticle | SubmitArticle | RequestChanges | PublishArticle | RetireArticle;

export type ArticleCommandType = ArticleCommand['type'];

export const ARTICLE_COMMAND_TYPES = [
  'DraftArticle',
  'ReviseArticle',
  'SubmitArticle',
  'RequestChanges',
  'PublishArticle',
  'RetireArticle',
] as const satisfies readonly ArticleCommandType[];
