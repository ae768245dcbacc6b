import { Actor, ArticleEvent } from '@support/contracts';
import { foldEvents } from '@support/decider';
import { ARTICLE_COMMAND_TYPES, ArticleCommand, ArticleCommandType } from './article.commands';
import { articleDecider, MAX_BODY, MAX_TAGS, MAX_TITLE } from './article.decider';
import { Article, ArticleVersion, liveVersion } from './article.state';
import { agent, ARTICLE, catalogueCheckedSpecification, contractor, deepFreeze, lead, NOW, otherSenior, SCENARIO, senior } from '../../test/fixtures/knowledge.test-fixtures';

const spec = catalogueCheckedSpecification(articleDecider);
const fold = (events: ArticleEvent[]) => foldEvents(articleDecider, events) as Article;

const V1 = { title: 'Reinstall a printer driver', body: '1. Remove the old driver.\n2. Install the new one.', scenarioId: SCENARIO, tags: ['printer', 'driver'] };
const V2 = { title: 'Reinstall a printer driver (Windows 11)', body: '1. Remove the old driver.\n2. Reboot.\n3. Install the new one.', scenarioId: SCENARIO, tags: ['printer'] };
const V3 = { ...V2, body: `${V2.body}\n4. Print a test page.` };

type Fields<T extends ArticleCommandType> = Partial<Omit<Extract<ArticleCommand, { type: T }>, 'type'>>;
// the author is a senior; the reviewer the lead
const base = { articleId: ARTICLE, actor: senior as Actor, at: NOW };
const draft = (f: Fields<'DraftArticle'> = {}): ArticleCommand => ({ type: 'DraftArticle', ...base, kind: 'sop', ...V1, ...f });
const revise = (f: Fields<'ReviseArticle'> = {}): ArticleCommand => ({ type: 'ReviseArticle', ...base, ...V2, ...f });
const submit = (f: Fields<'SubmitArticle'> = {}): ArticleCommand => ({ type: 'SubmitArticle', ...base, ...f });
const requestChanges = (f: Fields<'RequestChanges'> = {}): ArticleCommand => ({ type: 'RequestChanges', ...base, actor: lead, reason: 'add a test print', ...f });
const publish = (f: Fields<'PublishArticle'> = {}): ArticleCommand => ({ type: 'PublishArticle', ...base, actor: lead, ...f });
const retire = (f: Fields<'RetireArticle'> = {}): ArticleCommand => ({ type: 'RetireArticle', ...base, actor: lead, reason: 'the printer model is gone', ...f });

type Who = { id: string; role: string; name?: string };
const li: Who = { id: 'senior-li', role: 'senior', name: 'Li' };
const zhao: Who = { id: 'lead-zhao', role: 'lead', name: 'Zhao' };
const drafted: ArticleEvent = { type: 'support.article.drafted.v1', data: { articleId: ARTICLE, version: 1, kind: 'sop', ...V1, author: li } };
const submitted = (version: number): ArticleEvent => ({ type: 'support.article.submitted.v1', data: { articleId: ARTICLE, version } });
const published = (version: number, content: typeof V1, author: Who = li): ArticleEvent => ({
  type: 'support.article.published.v1',
  data: { articleId: ARTICLE, version, kind: 'sop', ...content, author, reviewer: zhao },
});
const revised = (version: number, content: typeof V1, author: Who = li): ArticleEvent => ({
  type: 'support.article.revised.v1',
  data: { articleId: ARTICLE, version, ...content, author },
});
const changesRequested = (version: number): ArticleEvent => ({
  type: 'support.article.changes-requested.v1',
  data: { articleId: ARTICLE, version, reviewer: zhao, reason: 'add a test print' },
});
const retired = (version: number): ArticleEvent => ({ type: 'support.article.retired.v1', data: { articleId: ARTICLE, version, reason: 'the printer model is gone' } });

// the history of an article in each status
const DRAFT = [drafted];
const IN_REVIEW = [drafted, submitted(1)];
const PUBLISHED = [...IN_REVIEW, published(1, V1)];
const REVISING = [...PUBLISHED, revised(2, V2)];
const RETIRED = [...PUBLISHED, retired(1)];

const v = (version: number, content: typeof V1, author: Who = li): ArticleVersion => ({ version, ...content, author });

describe('article decider', () => {
  it('knows every command type', () => {
    expect([...ARTICLE_COMMAND_TYPES].sort()).toEqual(['DraftArticle', 'PublishArticle', 'RequestChanges', 'RetireArticle', 'ReviseArticle', 'SubmitArticle']);
  });

  describe('the happy path', () => {
    it('drafted -> in-review -> published, each step one valid event', () => {
      spec.given([]).when(draft()).then([drafted]);
      spec
        .given(DRAFT)
        .when(submit())
        .then([submitted(1)]);
      spec
        .given(IN_REVIEW)
        .when(publish())
        .then([published(1, V1)]);
      expect(fold(PUBLISHED)).toStrictEqual({ articleId: ARTICLE, kind: 'sop', status: 'published', version: 1, versions: [v(1, V1)], publishedVersion: 1 });
      expect(liveVersion(fold(PUBLISHED))).toStrictEqual(v(1, V1));
    });

    it('review sends it back: changes requested -> revised (a new version) -> submitted -> published', () => {
      spec
        .given(IN_REVIEW)
        .when(requestChanges())
        .then([changesRequested(1)]);
      const history = [...IN_REVIEW, changesRequested(1)];
      expect(fold(history)).toMatchObject({ status: 'draft', version: 1, reviewNote: 'add a test print' });
      expect(liveVersion(fold(history))).toBeUndefined();
      spec
        .given(history)
        .when(revise())
        .then([revised(2, V2)]);
      spec
        .given([...history, revised(2, V2)])
        .when(submit())
        .then([submitted(2)]);
      spec
        .given([...history, revised(2, V2), submitted(2)])
        .when(publish())
        .then([published(2, V2)]);
      expect(fold([...history, revised(2, V2)])).toMatchObject({ status: 'draft', version: 2, reviewNote: 'add a test print' });
      expect(fold([...history, revised(2, V2), submitted(2)])).not.toHaveProperty('reviewNote');
    });

    it('an FAQ entry without a scenario, by a lead without a name, is written and published by a senior', () => {
      const nameless: Actor = { id: 'lead-wu', role: 'lead' };
      const faq = { title: 'Why does my stream stutter?', body: 'Check the upload bandwidth first.', tags: [] };
      const faqDrafted: ArticleEvent = {
        type: 'support.article.drafted.v1',
        data: { articleId: ARTICLE, version: 1, kind: 'faq', ...faq, author: { id: 'lead-wu', role: 'lead' } },
      };
      spec
        .given([])
        .when(draft({ kind: 'faq', ...faq, scenarioId: undefined, actor: nameless }))
        .then([faqDrafted]);
      spec
        .given([faqDrafted, submitted(1)])
        .when(publish({ actor: senior }))
        .then([{ type: 'support.article.published.v1', data: { articleId: ARTICLE, version: 1, kind: 'faq', ...faq, author: { id: 'lead-wu', role: 'lead' }, reviewer: li } }]);
    });

    it("emits only the schema's fields, whatever else a command carries", () => {
      const sloppy = { ...draft(), extra: 1, actor: { ...senior, phone: '123' } } as unknown as ArticleCommand;
      spec.given([]).when(sloppy).then([drafted]);
    });
  });

  describe('revising a published article', () => {
    it('keeps the published version live, and every version, while the next one is drafted and reviewed', () => {
      spec
        .given(PUBLISHED)
        .when(revise())
        .then([revised(2, V2)]);
      const revising = fold(REVISING);
      expect(revising).toStrictEqual({ articleId: ARTICLE, kind: 'sop', status: 'draft', version: 2, versions: [v(1, V1), v(2, V2)], publishedVersion: 1 });
      expect(liveVersion(revising)).toStrictEqual(v(1, V1));
      expect(liveVersion(fold([...REVISING, submitted(2)]))).toStrictEqual(v(1, V1));
    });

    it('a draft revised again is a new version too; publishing makes the reviewed one live, the others kept', () => {
      spec
        .given(REVISING)
        .when(revise({ actor: otherSenior, ...V3 }))
        .then([revised(3, V3, { id: 'senior-qian', role: 'senior' })]);
      const history = [...REVISING, revised(3, V3, { id: 'senior-qian', role: 'senior' }), submitted(3)];
      expect(fold(history).publishedVersion).toBe(1);
      // the version's own author, not the first one's, is in the published event
      spec
        .given(history)
        .when(publish())
        .then([published(3, V3, { id: 'senior-qian', role: 'senior' })]);
      const article = fold([...history, published(3, V3, { id: 'senior-qian', role: 'senior' })]);
      expect(article.versions.map((x) => x.version)).toEqual([1, 2, 3]);
      expect(article.versions[0]).toStrictEqual(v(1, V1));
      expect(article.versions[1]).toStrictEqual(v(2, V2));
      expect(article).toMatchObject({ status: 'published', version: 3, publishedVersion: 3 });
      expect(liveVersion(article)).toStrictEqual(v(3, V3, { id: 'senior-qian', role: 'senior' }));
    });
  });

  describe('retiring', () => {
    it.each([
      ['a draft', DRAFT, 1],
      ['an article in review', IN_REVIEW, 1],
      ['a published article', PUBLISHED, 1],
      ['a published article with a newer draft', REVISING, 2],
    ] as Array<[string, ArticleEvent[], number]>)('retires %s, naming the latest version', (_name, history, version) => {
      spec
        .given(history)
        .when(retire())
        .then([retired(version)]);
    });

    it('nothing is live once retired; every version stays', () => {
      const article = fold([...REVISING, retired(2)]);
      expect(article).toStrictEqual({ articleId: ARTICLE, kind: 'sop', status: 'retired', version: 2, versions: [v(1, V1), v(2, V2)], retiredReason: 'the printer model is gone' });
      expect(liveVersion(article)).toBeUndefined();
    });
  });

  describe('status rules (409)', () => {
    const ILLEGAL: Array<[string, ArticleEvent[], ArticleCommand, RegExp]> = [
      ['drafting twice', DRAFT, draft(), /^article .+ already exists \(it is draft\)$/],
      ['revising an article in review', IN_REVIEW, revise(), /^cannot revise an article that is in-review: withdraw .*it is in review$/],
      ['revising a retired article', RETIRED, revise(), /^cannot revise an article that is retired: it is final$/],
      ['submitting an article in review', IN_REVIEW, submit(), /^cannot submit an article that is in-review: it is in review already$/],
      ['submitting a published article', PUBLISHED, submit(), /^cannot submit an article that is published: revise it first/],
      ['submitting a retired article', RETIRED, submit(), /^cannot submit an article that is retired: it is final$/],
      ['requesting changes to a draft', DRAFT, requestChanges(), /^cannot request changes to an article that is draft: it must be submitted first$/],
      [
        'requesting changes to a published article',
        PUBLISHED,
        requestChanges(),
        /^cannot request changes to an article that is published: it must be revised and submitted first$/,
      ],
      ['requesting changes to a retired article', RETIRED, requestChanges(), /^cannot request changes to an article that is retired: it is final$/],
      ['publishing a draft', DRAFT, publish(), /^cannot publish an article that is draft: it must be submitted first$/],
      ['publishing twice', PUBLISHED, publish(), /^cannot publish an article that is published: it must be revised and submitted first$/],
      ['publishing a newer draft without review', REVISING, publish(), /^cannot publish an article that is draft: it must be submitted first$/],
      ['publishing a retired article', RETIRED, publish(), /^cannot publish an article that is retired: it is final$/],
      ['retiring twice', RETIRED, retire(), /^cannot retire an article that is retired: it is final$/],
    ];
    it.each(ILLEGAL)('refuses %s', (_name, history, command, reason) => {
      spec.given(history).when(command).thenRejects('illegal-transition', reason);
    });

    it.each([revise(), submit(), requestChanges(), publish(), retire()])('$type needs an existing article (404)', (command) => {
      spec
        .given([])
        .when(command)
        .thenRejects('not-found', new RegExp(`^article ${ARTICLE} does not exist$`));
    });

    it('checks the status before who asks, and who asks before the values', () => {
      spec
        .given(RETIRED)
        .when(revise({ actor: agent, title: '' }))
        .thenRejects('illegal-transition', /it is final/);
      spec
        .given(DRAFT)
        .when(revise({ actor: agent, title: '' }))
        .thenRejects('illegal-transition', /^an agent may not write SOP articles$/);
      spec
        .given([])
        .when(draft({ actor: contractor, articleId: 'a-1' }))
        .thenRejects('illegal-transition', /^a contractor may not write SOP articles$/);
    });
  });

  describe('who may do what (409)', () => {
    const authoredBy = (author: Actor): ArticleEvent[] => [{ ...drafted, data: { ...drafted.data, author } } as ArticleEvent, submitted(1)];
    const REFUSED: Array<[string, ArticleEvent[], ArticleCommand, RegExp]> = [
      ['an agent writing an SOP', [], draft({ actor: agent }), /^an agent may not write SOP articles$/],
      ['a contractor writing an FAQ entry', [], draft({ actor: contractor, kind: 'faq' }), /^a contractor may not write FAQ articles$/],
      ['an agent revising', PUBLISHED, revise({ actor: agent }), /^an agent may not write SOP articles$/],
      ['an agent submitting', DRAFT, submit({ actor: agent }), /^an agent may not submit SOP articles$/],
      ['an agent requesting changes', IN_REVIEW, requestChanges({ actor: agent }), /^an agent may not review SOP articles$/],
      ['an analyst publishing', IN_REVIEW, publish({ actor: { id: 'analyst-ma', role: 'analyst' } }), /^an analyst may not review SOP articles$/],
      ['a contractor retiring', PUBLISHED, retire({ actor: contractor }), /^a contractor may not retire SOP articles$/],
      ['an author publishing their own article', IN_REVIEW, publish({ actor: senior }), /^an author cannot approve their own article$/],
      ['a lead publishing their own article', authoredBy(lead), publish({ actor: lead }), /^an author cannot approve their own article$/],
      ['an author requesting changes to their own article', IN_REVIEW, requestChanges({ actor: senior }), /^an author cannot review their own article$/],
      ['a lead publishing the version they wrote', [...PUBLISHED, revised(2, V2, zhao), submitted(2)], publish({ actor: lead }), /^an author cannot approve their own article$/],
      ['another senior submitting', DRAFT, submit({ actor: otherSenior }), /^only the author of version 1 \(senior-li\) or a lead may submit it$/],
      [
        'the first author submitting a version another wrote',
        [...PUBLISHED, revised(2, V2, { id: 'senior-qian', role: 'senior' })],
        submit(),
        /^only the author of version 2 \(senior-qian\) or a lead may submit it$/,
      ],
    ];
    it.each(REFUSED)('refuses %s', (_name, history, command, reason) => {
      spec.given(history).when(command).thenRejects('illegal-transition', reason);
    });

    it("another senior reviews; the first version's author reviews a version someone else wrote", () => {
      spec
        .given(IN_REVIEW)
        .when(publish({ actor: otherSenior }))
        .then([{ ...published(1, V1), data: { ...published(1, V1).data, reviewer: { id: 'senior-qian', role: 'senior' } } } as ArticleEvent]);
      const byQian = [...PUBLISHED, revised(2, V2, { id: 'senior-qian', role: 'senior' }), submitted(2)];
      expect(articleDecider.decide(publish({ actor: senior }), fold(byQian))).toMatchObject({ ok: true });
    });

    it("a lead submits anyone's version; any lead or senior revises and retires", () => {
      spec
        .given(DRAFT)
        .when(submit({ actor: lead }))
        .then([submitted(1)]);
      spec
        .given(PUBLISHED)
        .when(revise({ actor: lead }))
        .then([revised(2, V2, zhao)]);
      spec
        .given(PUBLISHED)
        .when(retire({ actor: otherSenior }))
        .then([retired(1)]);
    });
  });

  describe('values (400)', () => {
    const INVALID: Array<[string, ArticleEvent[], ArticleCommand, RegExp]> = [
      ['an articleId that is no UUID', [], draft({ articleId: 'a-1' }), /^articleId must be a UUID$/],
      ['an unknown kind', [], draft({ kind: 'howto' as 'sop' }), /^kind must be one of sop, faq$/],
      ['a blank title', [], draft({ title: '  ' }), /^title must not be empty$/],
      ['a title over 300 characters', [], draft({ title: 'x'.repeat(MAX_TITLE + 1) }), /^title must be at most 300 characters$/],
      ['a blank body', [], draft({ body: '\n' }), /^body must not be empty$/],
      ['a body over 100,000 characters', [], draft({ body: 'x'.repeat(MAX_BODY + 1) }), /^body must be at most 100000 characters$/],
      ['a scenarioId that is no slug', [], draft({ scenarioId: 'Printer Driver' }), /^scenarioId must be a lower-case slug/],
      ['a scenarioId with a double hyphen', [], draft({ scenarioId: 'printer--driver' }), /^scenarioId must be a lower-case slug/],
      ['a blank tag', [], draft({ tags: ['printer', ' '] }), /^tags must not contain empty entries$/],
      ['a repeated tag', [], draft({ tags: ['printer', 'driver', 'printer'] }), /^tags must not repeat a tag$/],
      ['more than 50 tags', [], draft({ tags: Array.from({ length: MAX_TAGS + 1 }, (_, i) => `t${i}`) }), /^tags must have at most 50 entries$/],
      ['tags that are no list', [], draft({ tags: 'printer' as unknown as string[] }), /^tags must be a list/],
      ['an invalid time', [], draft({ at: new Date('nope') }), /^at must be a valid date$/],
      ['a revision with a blank title', PUBLISHED, revise({ title: '' }), /^title must not be empty$/],
      ['a revision with a repeated tag', DRAFT, revise({ tags: ['a', 'a'] }), /^tags must not repeat a tag$/],
      ['changes requested without a reason', IN_REVIEW, requestChanges({ reason: ' ' }), /^reason must not be empty$/],
      ['a retirement without a reason', PUBLISHED, retire({ reason: '' }), /^reason must not be empty$/],
    ];
    it.each(INVALID)('refuses %s, naming the field', (_name, history, command, reason) => {
      spec.given(history).when(command).thenRejects('invalid-command', reason);
    });

    it('takes a title of exactly 300 characters and 50 tags', () => {
      const tags = Array.from({ length: MAX_TAGS }, (_, i) => `t${i}`);
      spec
        .given([])
        .when(draft({ title: 'x'.repeat(MAX_TITLE), tags }))
        .then([{ ...drafted, data: { ...drafted.data, title: 'x'.repeat(MAX_TITLE), tags } } as ArticleEvent]);
    });
  });

  describe('state and bugs', () => {
    it('decide never mutates the state', () => {
      const state = deepFreeze(fold(REVISING));
      expect(articleDecider.decide(submit(), state).ok).toBe(true);
      expect(articleDecider.decide(revise({ ...V3 }), state).ok).toBe(true);
      expect(articleDecider.decide(retire(), state).ok).toBe(true);
    });

    it('the state shares no objects with the events', () => {
      const events = structuredClone(PUBLISHED);
      const article = fold(events);
      (events[0].data as { tags: string[] }).tags.push('changed');
      expect(article.versions[0].tags).toEqual(['printer', 'driver']);
    });

    it('throws on a history that cannot be (bugs, not business outcomes)', () => {
      expect(() => fold([drafted, drafted])).toThrow(/drafted twice/);
      expect(() => fold([submitted(1)])).toThrow(/never drafted/);
      expect(() => fold([drafted, revised(3, V2)])).toThrow(/revised to version 3 after version 1/);
      expect(() => articleDecider.decide(submit({ articleId: 'f0000000-0000-4000-8000-000000000000' }), fold(DRAFT))).toThrow(/decided on article/);
    });
  });
});
