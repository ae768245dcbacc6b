import { BadRequestException, Body, Controller, Get, Headers, HttpCode, NotFoundException, Post, Query, Res } from '@nestjs/common';
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
import { FieldRecordCreatedDto, VisitDto, VisitVerificationDto } from './field-answers.dto';
import { VisitService } from '../application/visit.service';
import { CheckInDto, CompleteVisitDto, LogWorkDto, PrepareVisitDto, ReasonDto, RequestVisitDto, RescheduleVisitDto, ScheduleVisitDto, SignVisitDto } from './visit.dto';
import { checkSignatureImage } from './signature-image';
import { FIELD_READERS, FIELD_WORKERS, optionalDate } from './field-http';
import { VISIT_CURSOR } from '../persistence/field-views.repository';

@ApiTags('visits')
@ApiBearerAuth()
@Controller('v1/visits')
export class VisitController {
  constructor(private readonly visits: VisitService) {}

  @Post()
  @ApiAnswer(FieldRecordCreatedDto, 'the visit, requested')
  @Roles(...FIELD_WORKERS, 'service')
  @StoresIdempotencyKey()
  async request(@Body() body: RequestVisitDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>, @Res({ passthrough: true }) res: FastifyReply) {
    const outcome = await this.visits.request(
      { ticketId: body.ticketId, reason: body.reason },
      { actor, correlationId: headers['x-correlation-id'] },
      parseIdempotencyKey(headers['idempotency-key']),
    );
    return createdResponse(outcome, res, (created) => `/v1/visits/${created.id}`);
  }

  @Get()
  @PagedList({ items: 'visits by appointment (unscheduled ones last), then id', item: VisitDto })
  @ApiQuery({ name: 'ticketId', required: false, format: 'uuid' })
  @ApiQuery({ name: 'technician', required: false, description: 'the technician member id' })
  @ApiQuery({ name: 'from', required: false, description: 'appointments at or after this time (ISO 8601)' })
  @ApiQuery({ name: 'to', required: false, description: 'appointments before this time (ISO 8601)' })
  @Roles(...FIELD_READERS)
  list(
    @CurrentActor() actor: Actor,
    @PageQuery() query: RawPageQuery,
    @Query('ticketId') ticketId?: string,
    @Query('technician') technician?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
  ) {
    const page = pageRequest(query, VISIT_CURSOR, uuidQueryProblems(ticketId, 'ticketId'));
    return this.visits.list({ ticketId, technicianId: technician, from: optionalDate('from', from), to: optionalDate('to', to), page }, actor);
  }

  @Get(':id')
  @VersionedRead()
  @ApiAnswer(VisitDto)
  @Roles(...FIELD_READERS)
  async visit(@UuidParam() id: string, @CurrentActor() actor: Actor) {
    const visit = await this.visits.find(id, actor);
    if (!visit) throw new NotFoundException(`visit ${id} not found`);
    return visit;
  }

  @Get(':id/history')
  @ApiAnswer([AuditEntryDto], "the visit's events, oldest first")
  @Roles(...FIELD_READERS)
  async history(@UuidParam() id: string, @CurrentActor() actor: Actor) {
    const events = await this.visits.history(id, actor);
    if (!events) throw new NotFoundException(`visit ${id} not found`);
    return eventsSeenBy(actor.role, eventCatalogue, auditTrail(events));
  }

  @Get(':id/history/verify')
  @ApiAnswer(VisitVerificationDto)
  @Roles(...FIELD_READERS)
  async verify(@UuidParam() id: string, @CurrentActor() actor: Actor) {
    const verification = await this.visits.verify(id, actor);
    if (!verification) throw new NotFoundException(`visit ${id} not found`);
    return verification;
  }

  @Post(':id/schedule')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(CommandAnswerDto)
  @Roles('lead', 'senior', 'agent')
  schedule(@UuidParam() id: string, @Body() body: ScheduleVisitDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return this.run(id, actor, headers, { type: 'ScheduleVisit', technician: { ...body.technician }, window: windowOf(body.window), address: body.address });
  }

  @Post(':id/reschedule')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(CommandAnswerDto)
  @Roles('lead', 'senior', 'agent')
  reschedule(@UuidParam() id: string, @Body() body: RescheduleVisitDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return this.run(id, actor, headers, {
      type: 'RescheduleVisit',
      window: windowOf(body.window),
      reason: body.reason,
      ...(body.technician ? { technician: { ...body.technician } } : {}),
      ...(body.address !== undefined ? { address: body.address } : {}),
    });
  }

  @Post(':id/preparation')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(CommandAnswerDto)
  @Roles(...FIELD_WORKERS)
  prepare(@UuidParam() id: string, @Body() body: PrepareVisitDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    const { tools, spareParts, ...confirmed } = body.checklist;
    return this.run(id, actor, headers, { type: 'PrepareVisit', checklist: { ...confirmed, tools: [...tools], spareParts: [...spareParts] } });
  }

  @Post(':id/check-in')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(CommandAnswerDto)
  @Roles(...FIELD_WORKERS)
  checkIn(@UuidParam() id: string, @Body() body: CheckInDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return this.run(id, actor, headers, {
      type: 'CheckIn',
      ...(body.arrivedAt ? { arrivedAt: new Date(body.arrivedAt) } : {}),
      ...(body.location ? { location: { latitude: body.location.latitude, longitude: body.location.longitude } } : {}),
    });
  }

  @Post(':id/work-log')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(CommandAnswerDto)
  @Roles(...FIELD_WORKERS)
  logWork(@UuidParam() id: string, @Body() body: LogWorkDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return this.run(id, actor, headers, { type: 'LogWork', entry: body.entry });
  }

  @Post(':id/completion')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(CommandAnswerDto)
  @Roles(...FIELD_WORKERS)
  complete(@UuidParam() id: string, @Body() body: CompleteVisitDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return this.run(id, actor, headers, { type: 'CompleteVisit', workDone: body.workDone, customerTested: body.customerTested, usageNotes: body.usageNotes });
  }

  @Post(':id/signature')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(CommandAnswerDto)
  @Roles(...FIELD_WORKERS)
  sign(@UuidParam() id: string, @Body() body: SignVisitDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    const image = checkSignatureImage(body.imageBase64, body.mediaType);
    if (!image.ok) throw new BadRequestException([image.problem]);
    return this.run(id, actor, headers, { type: 'SignVisit', signerName: body.signerName, mediaType: body.mediaType, imageBase64: body.imageBase64, sha256: image.sha256 });
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(CommandAnswerDto)
  @Roles('lead', 'senior', 'agent')
  cancel(@UuidParam() id: string, @Body() body: ReasonDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return this.run(id, actor, headers, { type: 'CancelVisit', reason: body.reason });
  }

  private async run(id: string, actor: Actor, headers: Record<string, string>, command: Parameters<VisitService['execute']>[1]) {
    return commandAnswer(id, await this.visits.execute(id, command, commandContext(actor, headers)));
  }
}

function windowOf(window: { start: string; end: string }) {
  return { start: new Date(window.start), end: new Date(window.end) };
}
