import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Actor } from '@support/contracts';
import { CurrentActor, Roles } from '@support/service-kit';
import { readerScope } from '../application/reader-scope';
import { KnowledgeViews } from '../persistence/knowledge-views.repository';
import { TicketKnowledgeRepository } from '../persistence/ticket-knowledge.repository';
import { queryTerms, SearchIndex } from '../search';
import { READERS } from './knowledge-http';

const DOCUMENT_TYPES = ['sop', 'faq', 'case'] as const;
type DocumentType = (typeof DOCUMENT_TYPES)[number];

@ApiTags('search')
@ApiBearerAuth()
@Controller('v1')
export class SearchController {
  constructor(
    private readonly search: SearchIndex,
    private readonly tickets: TicketKnowledgeRepository,
    private readonly views: KnowledgeViews,
    private readonly dataSource: DataSource,
  ) {}

  /**
   * published SOP and FAQ articles and library cases, ranked; Chinese and English: ?q=蓝屏&types=sop,faq.
   * A contractor finds every article but only the cases of tickets dispatched to them.
   */
  @Get('search')
  @Roles(...READERS)
  async find(@CurrentActor() actor: Actor, @Query('q') q?: string, @Query('types') types?: string, @Query('limit') limit?: string) {
    const wanted = types === undefined ? undefined : types.split(',').map((t) => t.trim());
    const errors = [
      ...(q === undefined || q.length > 500 || queryTerms(q).length === 0 ? ['q must have at least one word or character to search for (at most 500 characters)'] : []),
      ...(wanted && !wanted.every((t) => (DOCUMENT_TYPES as readonly string[]).includes(t)) ? [`types must be a comma-separated list of ${DOCUMENT_TYPES.join(', ')}`] : []),
      ...(limit !== undefined && !/^(100|[1-9]\d?)$/.test(limit) ? ['limit must be a number from 1 to 100'] : []),
    ];
    if (errors.length > 0) throw new BadRequestException(errors);
    const { contractorId } = readerScope(actor);
    const caseIds = contractorId === undefined ? undefined : await this.views.contractorCaseIds(this.dataSource, contractorId);
    return this.search.search(this.dataSource, q as string, {
      ...(wanted ? { types: wanted as DocumentType[] } : {}),
      ...(limit ? { limit: Number(limit) } : {}),
      ...(caseIds ? { caseIds } : {}),
    });
  }

  /** KCS: resolutions that linked an SOP versus not, and how often each article is reused */
  @Get('kcs')
  @Roles('lead', 'senior', 'analyst')
  kcs() {
    return this.tickets.kcs(this.dataSource);
  }
}
