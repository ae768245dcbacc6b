import { BadRequestException, Body, Controller, Get, Headers, HttpCode, NotFoundException, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Actor, ARTICLE_KINDS } from '@support/contracts';
import { CommandInput } from '@support/decider';
import { auditTrail } from '@support/event-store';
import {
  AcceptsIfMatch,
  ApiAnswer,
  AuditEntryDto,
  commandAnswer,
  CommandAnswerDto,
  commandContext,
  createdResponse,
  CurrentActor,
  IntParam,
  PagedList,
  PageQuery,
  pageRequest,
  parseIdempotencyKey,
  RawPageQuery,
  Roles,
  StoresIdempotencyKey,
  UuidParam,
  VersionedRead,
} from '@support/service-kit';
import { ArticleDiffDto, ArticleDto, ArticleVersionDto } from './knowledge-answers.dto';
import { ArticleService } from '../application/article.service';
import { ArticleCommand } from '../domain';
import { ARTICLE_CURSOR } from '../persistence/knowledge-views.repository';
import { AUTHORS, READERS } from './knowledge-http';
import { ArticleContentDto, contentOf, DraftArticleDto, ReasonDto } from './knowledge.dto';

const STATUSES = ['draft', 'in-review', 'published', 'retired'];

@ApiTags('articles')
@ApiBearerAuth()
@Controller('v1/articles')
export class ArticleController {
  constructor(private readonly articles: ArticleService) {}

  @Post()
  @ApiAnswer(CommandAnswerDto, 'the article, drafted')
  @Roles(...AUTHORS)
  @StoresIdempotencyKey()
  async draft(@Body() body: DraftArticleDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>, @Res({ passthrough: true }) res: FastifyReply) {
    const outcome = await this.articles.draft({ kind: body.kind, ...contentOf(body) }, commandContext(actor, headers), parseIdempotencyKey(headers['idempotency-key']));
    return createdResponse(outcome, res, (created) => `/v1/articles/${created.id}`);
  }

  @Get()
  @PagedList({ items: 'articles by id', item: ArticleDto })
  @ApiQuery({ name: 'kind', required: false, enum: ARTICLE_KINDS })
  @ApiQuery({ name: 'status', required: false, enum: STATUSES })
  @ApiQuery({ name: 'scenarioId', required: false })
  @Roles(...READERS)
  list(@PageQuery() query: RawPageQuery, @Query('kind') kind?: string, @Query('status') status?: string, @Query('scenarioId') scenarioId?: string) {
    const problems = [
      ...(kind !== undefined && !(ARTICLE_KINDS as readonly string[]).includes(kind) ? [`kind must be one of ${ARTICLE_KINDS.join(', ')}`] : []),
      ...(status !== undefined && !STATUSES.includes(status) ? [`status must be one of ${STATUSES.join(', ')}`] : []),
    ];
    return this.articles.list({ kind, status, scenarioId }, pageRequest(query, ARTICLE_CURSOR, problems));
  }

  @Get(':id')
  @ApiAnswer(ArticleDto)
  @VersionedRead()
  @Roles(...READERS)
  async article(@UuidParam() id: string) {
    const article = await this.articles.find(id);
    if (!article) throw new NotFoundException(`article ${id} not found`);
    return article;
  }

  @Get(':id/versions/:version')
  @ApiAnswer(ArticleVersionDto)
  @Roles(...READERS)
  async version(@UuidParam() id: string, @IntParam('version') version: number) {
    const found = (await this.articles.find(id))?.versions.find((v) => v.version === version);
    if (!found) throw new NotFoundException(`article ${id} has no version ${version}`);
    return found;
  }

  /** a unified diff between two versions: ?from=1&to=2 */
  @Get(':id/diff')
  @ApiAnswer(ArticleDiffDto)
  @Roles(...READERS)
  async diff(@UuidParam() id: string, @Query('from') from?: string, @Query('to') to?: string) {
    const errors = [from, to].flatMap((value, i) => (value === undefined || !/^[1-9]\d{0,5}$/.test(value) ? [`${i === 0 ? 'from' : 'to'} must be a version number`] : []));
    if (errors.length > 0) throw new BadRequestException(errors);
    const diff = await this.articles.diff(id, Number(from), Number(to));
    if ('missing' in diff) throw new NotFoundException(diff.missing);
    return diff;
  }

  @Get(':id/history')
  @ApiAnswer([AuditEntryDto], "the article's events, oldest first")
  @Roles(...READERS)
  async history(@UuidParam() id: string) {
    const events = await this.articles.history(id);
    if (events.length === 0) throw new NotFoundException(`article ${id} not found`);
    return auditTrail(events);
  }

  /** a new version (the whole content) */
  @Put(':id')
  @AcceptsIfMatch()
  @ApiAnswer(CommandAnswerDto)
  @Roles(...AUTHORS)
  revise(@UuidParam() id: string, @Body() body: ArticleContentDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return this.run(id, actor, headers, { type: 'ReviseArticle', ...contentOf(body) });
  }

  @Post(':id/submission')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(CommandAnswerDto)
  @Roles(...AUTHORS)
  submit(@UuidParam() id: string, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return this.run(id, actor, headers, { type: 'SubmitArticle' });
  }

  @Post(':id/change-request')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(CommandAnswerDto)
  @Roles(...AUTHORS)
  requestChanges(@UuidParam() id: string, @Body() body: ReasonDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return this.run(id, actor, headers, { type: 'RequestChanges', reason: body.reason });
  }

  @Post(':id/publication')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(CommandAnswerDto)
  @Roles(...AUTHORS)
  publish(@UuidParam() id: string, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return this.run(id, actor, headers, { type: 'PublishArticle' });
  }

  @Post(':id/retirement')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(CommandAnswerDto)
  @Roles(...AUTHORS)
  retire(@UuidParam() id: string, @Body() body: ReasonDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return this.run(id, actor, headers, { type: 'RetireArticle', reason: body.reason });
  }

  private async run(id: string, actor: Actor, headers: Record<string, string>, command: CommandInput<ArticleCommand, 'articleId'>) {
    return commandAnswer(id, await this.articles.execute(id, command, commandContext(actor, headers)));
  }
}
