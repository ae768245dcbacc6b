import { BadRequestException, Body, Controller, Get, Headers, HttpCode, NotFoundException, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Actor, eventCatalogue, eventsSeenBy, ISO_WEEK } from '@support/contracts';
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
  refusalToHttp,
  Roles,
  StoresIdempotencyKey,
  UuidParam,
  VersionedRead,
} from '@support/service-kit';
import { HoardingFlagDto, LeadCapturedDto, LeadDto, LeadErasedDto, LedgerDto, RatiosAnswerDto, RatiosSetDto } from './lead-answers.dto';
import { CaptureInput, CapturedLead, LeadService } from '../application/lead.service';
import { RatioPolicyService } from '../application/ratio-policy.service';
import { FLAG_CURSOR, LEAD_CURSOR, LeadPoolRepository } from '../persistence/lead-pool.repository';
import { DataSource } from 'typeorm';
import { CaptureLeadDto, ConvertLeadDto, DeclineDto, LeadErasureDto, LoseDto, RatiosDto, WebhookLeadDto } from './lead.dto';

// every member except contractors takes part (DOMAIN.md); analysts read
const MEMBERS = ['lead', 'senior', 'agent'] as const;
const READERS = [...MEMBERS, 'analyst', 'service'] as const;
const STATUSES = ['pooled', 'allocated', 'accepted', 'converted', 'lost'];

@ApiTags('lead pool')
@ApiBearerAuth()
@Controller('v1')
export class LeadController {
  constructor(
    private readonly leads: LeadService,
    private readonly policy: RatioPolicyService,
    private readonly repository: LeadPoolRepository,
    private readonly dataSource: DataSource,
  ) {}

  /** a member registers a lead from their channels: 201, or 200 when the contact was in the pool already (merged) */
  @Post('leads')
  @ApiAnswer(LeadCapturedDto, 'the lead, captured or merged, as it is now')
  @Roles(...MEMBERS)
  @StoresIdempotencyKey()
  capture(@Body() body: CaptureLeadDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>, @Res({ passthrough: true }) res: FastifyReply) {
    return this.captureFor(body.memberId ?? actor.id, body, 'rest', actor, headers, res);
  }

  /** other systems (a social-media integration) deliver leads on behalf of the member whose account brought them */
  @Post('webhooks/leads')
  @ApiAnswer(LeadCapturedDto, 'the lead, captured or merged, as it is now')
  @Roles('service')
  @StoresIdempotencyKey()
  webhook(@Body() body: WebhookLeadDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>, @Res({ passthrough: true }) res: FastifyReply) {
    return this.captureFor(body.memberId, body, 'webhook', actor, headers, res);
  }

  @Get('leads')
  @PagedList({ items: 'leads, newest captured first', item: LeadDto })
  @ApiQuery({ name: 'status', required: false, enum: STATUSES })
  @Roles(...READERS)
  list(@CurrentActor() actor: Actor, @PageQuery() query: RawPageQuery, @Query('status') status?: string) {
    const problems = status !== undefined && !STATUSES.includes(status) ? [`status must be one of ${STATUSES.join(', ')}`] : [];
    return this.leads.list(actor, status, pageRequest(query, LEAD_CURSOR, problems));
  }

  // a member reads only leads they brought in or hold: another's is "not found", like a missing one
  @Get('leads/:id')
  @ApiAnswer(LeadDto)
  @VersionedRead()
  @Roles(...READERS)
  async lead(@UuidParam() id: string, @CurrentActor() actor: Actor) {
    const lead = await this.leads.find(id, actor);
    if (!lead) throw new NotFoundException(`lead ${id} not found`);
    return lead;
  }

  @Get('leads/:id/history')
  @ApiAnswer([AuditEntryDto], "the lead's events, oldest first")
  @Roles(...READERS)
  async history(@UuidParam() id: string, @CurrentActor() actor: Actor) {
    const events = await this.leads.history(id, actor);
    if (events.length === 0) throw new NotFoundException(`lead ${id} not found`);
    return eventsSeenBy(actor.role, eventCatalogue, auditTrail(events));
  }

  @Post('leads/:id/acceptance')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(CommandAnswerDto)
  @Roles(...MEMBERS)
  async accept(@UuidParam() id: string, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return commandAnswer(id, await this.leads.execute(id, { type: 'AcceptLead' }, commandContext(actor, headers)));
  }

  @Post('leads/:id/decline')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(CommandAnswerDto)
  @Roles(...MEMBERS)
  async decline(@UuidParam() id: string, @Body() body: DeclineDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return commandAnswer(id, await this.leads.execute(id, { type: 'DeclineLead', ...(body.reason ? { reason: body.reason } : {}) }, commandContext(actor, headers)));
  }

  /** the lead becomes a ticket in intake (channel `lead`), caused by the conversion */
  @Post('leads/:id/conversion')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(CommandAnswerDto)
  @Roles(...MEMBERS)
  async convert(@UuidParam() id: string, @Body() body: ConvertLeadDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    const customer = body.customer
      ? {
          ...(body.customer.name ? { name: body.customer.name } : {}),
          ...(body.customer.phone ? { phone: body.customer.phone } : {}),
          ...(body.customer.wechat ? { wechat: body.customer.wechat } : {}),
        }
      : undefined;
    return commandAnswer(
      id,
      await this.leads.convert(
        id,
        { ...(customer ? { customer } : {}), deviceModel: body.deviceModel, problem: body.problem, urgency: body.urgency },
        commandContext(actor, headers),
      ),
    );
  }

  @Post('leads/:id/loss')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(CommandAnswerDto)
  @Roles(...MEMBERS)
  async lose(@UuidParam() id: string, @Body() body: LoseDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return commandAnswer(id, await this.leads.execute(id, { type: 'LoseLead', reason: body.reason }, commandContext(actor, headers)));
  }

  /** erases the prospect's personal data (crypto-shredding): it reads `[erased]` from then on, and the lead's history still verifies */
  @Post('leads/:id/erasure')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(LeadErasedDto)
  @Roles('lead')
  async erase(@UuidParam() id: string, @Body() body: LeadErasureDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    const outcome = await this.leads.erase(id, body.reason, commandContext(actor, headers));
    if (!outcome.ok) return refusalToHttp(outcome);
    return { id, erased: true, version: outcome.version };
  }

  @Get('ratios')
  @ApiAnswer(RatiosAnswerDto)
  @VersionedRead()
  @Roles(...READERS)
  async ratios() {
    // none set yet: version 0, which If-Match may name for the first PUT
    return (await this.policy.current()) ?? { ratios: [], history: [], version: 0 };
  }

  /**
   * the lead sets the preset ratios (members of the roster, never contractors); they apply from now on.
   * The answer names the members off duty (`offDuty`, with `warnings`): leads wait while nobody in the ratios is on duty.
   */
  @Put('ratios')
  @AcceptsIfMatch()
  @ApiAnswer(RatiosSetDto)
  @Roles('lead')
  async setRatios(@Body() body: RatiosDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    const { outcome, offDuty, warnings } = await this.policy.set(
      body.ratios.map((r) => ({ memberId: r.memberId, weight: r.weight })),
      body.acceptMinutes,
      commandContext(actor, headers),
    );
    if (!outcome.ok) return refusalToHttp(outcome);
    return { ...outcome.entity, version: outcome.version, offDuty, warnings };
  }

  /**
   * per member and ISO week: leads contributed, received, expected (each allocation's share under the
   * ratios it was made under) and deviation (received - expected); and the leads waiting in the pool now
   */
  @Get('ledger')
  @ApiAnswer(LedgerDto)
  @Roles(...READERS)
  async ledger(@Query('week') week?: string) {
    if (week !== undefined && !ISO_WEEK.test(week)) throw new BadRequestException(['week must be an ISO week, e.g. 2026-W48']);
    return this.leads.ledger(week ?? this.leads.currentWeek());
  }

  /** tickets opened for a contact a member held as an un-accepted lead */
  @Get('hoarding-flags')
  @PagedList({ items: 'hoarding flags by lead, then ticket', item: HoardingFlagDto })
  @Roles('lead', 'analyst')
  flags(@PageQuery() query: RawPageQuery) {
    return this.repository.flags(this.dataSource, pageRequest(query, FLAG_CURSOR));
  }

  private async captureFor(memberId: string, body: CaptureLeadDto, via: 'rest' | 'webhook', actor: Actor, headers: Record<string, string>, res: FastifyReply) {
    const input: CaptureInput = {
      source: { memberId, platform: body.platform, account: body.account },
      customerHandle: body.customerHandle,
      contact: { ...(body.contact.phone ? { phone: body.contact.phone } : {}), ...(body.contact.wechat ? { wechat: body.contact.wechat } : {}) },
      ...(body.note ? { note: body.note } : {}),
      via,
    };
    const captured = await this.leads.capture(input, commandContext(actor, headers), parseIdempotencyKey(headers['idempotency-key']));
    // a new lead allocated in its capture's transaction answers as that left it; else the lead as it is now
    // (the allocator may have handed it out since, a replay's too), and why a pooled one waits
    const answered = 'body' in captured && (captured.replayed || captured.body.status !== 'allocated') ? { ...captured, body: await this.asNow(captured.body) } : captured;
    return createdResponse(answered, res, (created) => `/v1/leads/${created.id}`);
  }

  private async asNow({ status: _then, allocatedTo: _heldThen, ...captured }: CapturedLead) {
    const lead = await this.leads.find(captured.id);
    return {
      ...captured,
      ...(lead ? { status: lead.status, version: lead.version } : {}),
      ...(lead?.allocatedTo ? { allocatedTo: lead.allocatedTo } : {}),
      ...(lead?.waitingReason ? { waitingReason: lead.waitingReason } : {}),
    };
  }
}
