import { Body, Controller, Get, Headers, HttpCode, NotFoundException, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Actor, eventCatalogue, eventsSeenBy } from '@support/contracts';
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
  PagedList,
  PageQuery,
  pageRequest,
  parseIdempotencyKey,
  RawPageQuery,
  Roles,
  StoresIdempotencyKey,
  UuidParam,
  uuidQueryProblems,
  VersionedRead,
} from '@support/service-kit';
import { FieldRecordCreatedDto, SheetDto } from './field-answers.dto';
import { SheetService } from '../application/sheet.service';
import { FIELD_READERS, FIELD_WORKERS } from './field-http';
import { SHEET_CURSOR } from '../persistence/field-views.repository';
import { ApproveSheetDto, contentsOf, DraftSheetDto, RejectSheetDto, ReviseSheetDto } from './sheet.dto';

const SHEET_STATUSES = ['draft', 'submitted', 'approved', 'rejected', 'archived'];

@ApiTags('sheets')
@ApiBearerAuth()
@Controller('v1/sheets')
export class SheetController {
  constructor(private readonly sheets: SheetService) {}

  @Post()
  @ApiAnswer(FieldRecordCreatedDto, 'the sheet, drafted')
  @Roles(...FIELD_WORKERS)
  @StoresIdempotencyKey()
  async draft(@Body() body: DraftSheetDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>, @Res({ passthrough: true }) res: FastifyReply) {
    const input = { ticketId: body.ticketId, kind: body.kind, contents: contentsOf(body.contents), ...(body.visitId ? { visitId: body.visitId } : {}) };
    const outcome = await this.sheets.draft(input, { actor, correlationId: headers['x-correlation-id'] }, parseIdempotencyKey(headers['idempotency-key']));
    return createdResponse(outcome, res, (created) => `/v1/sheets/${created.id}`);
  }

  @Get()
  @PagedList({ items: 'service sheets by id', item: SheetDto })
  @ApiQuery({ name: 'ticketId', required: false, format: 'uuid' })
  @ApiQuery({ name: 'status', required: false, enum: SHEET_STATUSES })
  @Roles(...FIELD_READERS)
  list(@CurrentActor() actor: Actor, @PageQuery() query: RawPageQuery, @Query('ticketId') ticketId?: string, @Query('status') status?: string) {
    const problems = [
      ...uuidQueryProblems(ticketId, 'ticketId'),
      ...(status !== undefined && !SHEET_STATUSES.includes(status) ? [`status must be one of ${SHEET_STATUSES.join(', ')}`] : []),
    ];
    return this.sheets.list({ ticketId, status, page: pageRequest(query, SHEET_CURSOR, problems) }, actor);
  }

  @Get(':id')
  @VersionedRead()
  @ApiAnswer(SheetDto)
  @Roles(...FIELD_READERS)
  async sheet(@UuidParam() id: string, @CurrentActor() actor: Actor) {
    const sheet = await this.sheets.find(id, actor);
    if (!sheet) throw new NotFoundException(`sheet ${id} not found`);
    return sheet;
  }

  @Get(':id/history')
  @ApiAnswer([AuditEntryDto], "the sheet's events, oldest first")
  @Roles(...FIELD_READERS)
  async history(@UuidParam() id: string, @CurrentActor() actor: Actor) {
    const events = await this.sheets.history(id, actor);
    if (!events) throw new NotFoundException(`sheet ${id} not found`);
    return eventsSeenBy(actor.role, eventCatalogue, auditTrail(events));
  }

  @Put(':id/contents')
  @AcceptsIfMatch()
  @ApiAnswer(CommandAnswerDto)
  @Roles(...FIELD_WORKERS)
  revise(@UuidParam() id: string, @Body() body: ReviseSheetDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return this.run(id, actor, headers, { type: 'ReviseSheet', contents: contentsOf(body.contents) });
  }

  @Post(':id/submission')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(CommandAnswerDto)
  @Roles(...FIELD_WORKERS)
  async submit(@UuidParam() id: string, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return commandAnswer(id, await this.sheets.submit(id, commandContext(actor, headers)));
  }

  // any member may ask; the sheet decides who may review it (never a contractor or agent, never a senior's own)
  @Post(':id/approval')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(CommandAnswerDto)
  @Roles(...FIELD_WORKERS)
  approve(@UuidParam() id: string, @Body() body: ApproveSheetDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return this.run(id, actor, headers, { type: 'ApproveSheet', ...(body.note ? { note: body.note } : {}) });
  }

  @Post(':id/rejection')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(CommandAnswerDto)
  @Roles(...FIELD_WORKERS)
  reject(@UuidParam() id: string, @Body() body: RejectSheetDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return this.run(id, actor, headers, { type: 'RejectSheet', reason: body.reason });
  }

  @Post(':id/archive')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(CommandAnswerDto)
  @Roles('lead', 'senior')
  archive(@UuidParam() id: string, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return this.run(id, actor, headers, { type: 'ArchiveSheet' });
  }

  private async run(id: string, actor: Actor, headers: Record<string, string>, command: Parameters<SheetService['execute']>[1]) {
    return commandAnswer(id, await this.sheets.execute(id, command, commandContext(actor, headers)));
  }
}
