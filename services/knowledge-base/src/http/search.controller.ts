import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Actor } from '@support/contracts';
import { ApiAnswer, CurrentActor, PagedList, PageQuery, pageRequest, RawPageQuery, Roles } from '@support/service-kit';
import { KcsFiguresDto, SearchHitDto } from './knowledge-answers.dto';
import { readerScope } from '../application/reader-scope';
import { KnowledgeViews } from '../persistence/knowledge-views.repository';
import { TicketKnowledgeRepository } from '../persistence/ticket-knowledge.repository';
import { queryTerms, SEARCH_CURSOR, SearchIndex } from '../search';
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
  @PagedList({ items: 'hits, best first (by rank), ties by id and type', item: SearchHitDto })
  @ApiQuery({ name: 'q', required: true, description: 'words or characters to find, at most 500 characters' })
  @ApiQuery({ name: 'types', required: false, description: `a comma-separated list of ${DOCUMENT_TYPES.join(', ')}` })
  @Roles(...READERS)
  async find(@CurrentActor() actor: Actor, @PageQuery() query: RawPageQuery, @Query('q') q?: string, @Query('types') types?: string) {
    const wanted = types === undefined ? undefined : types.split(',').map((t) => t.trim());
    const problems = [
      ...(q === undefined || q.length > 500 || queryTerms(q).length === 0 ? ['q must have at least one word or character to search for (at most 500 characters)'] : []),
      ...(wanted && !wanted.every((t) => (DOCUMENT_TYPES as readonly string[]).includes(t)) ? [`types must be a comma-separated list of ${DOCUMENT_TYPES.join(', ')}`] : []),
    ];
    const page = pageRequest(query, SEARCH_CURSOR, problems);
    const { contractorId } = readerScope(actor);
    const caseIds = contractorId === undefined ? undefined : await this.views.contractorCaseIds(this.dataSource, contractorId);
    return this.search.search(this.dataSource, q as string, page, {
      ...(wanted ? { types: wanted as DocumentType[] } : {}),
      ...(caseIds ? { caseIds } : {}),
    });
  }

  /** KCS: resolutions that linked an SOP versus not, and how often each article is reused */
  @Get('kcs')
  @ApiAnswer(KcsFiguresDto)
  @Roles('lead', 'senior', 'analyst')
  kcs() {
    return this.tickets.kcs(this.dataSource);
  }
}
