import { Body, Controller, Get, Headers, HttpCode, Inject, NotFoundException, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Actor, Clock, TICKET_STATES } from '@support/contracts';
import {
  AcceptsIfMatch,
  AsOfQuery,
  AsOfRead,
  asOfRequest,
  CLOCK,
  markAsOf,
  RawAsOf,
  commandContext,
  createdResponse,
  CurrentActor,
  PagedList,
  pageRequest,
  PageQuery,
  parseIdempotencyKey,
  RawPageQuery,
  Roles,
  StoresIdempotencyKey,
  UuidParam,
  uuidQueryProblems,
  ApiAnswer,
  ChainVerificationDto,
  VersionedRead,
} from '@support/service-kit';
import { TicketCommand, TicketCommandInput } from '../domain';
import { TicketCommands } from '../application/ticket-commands.service';
import { HISTORY_ORDERS, HistoryOrder } from '../application/history-order';
import { TicketQueries } from '../application/ticket-queries.service';
import { TICKET_CURSOR } from '../persistence/ticket-view.repository';
import { OpenTicketDto } from './open-ticket.dto';
import { AssignmentDto, CloseDto, ContactDto, DeclineQuoteDto, DiagnosisDto, EmptyDto, FeedbackDto, QuoteDto, ReasonDto, ResolutionDto } from './ticket-command.dto';
import { commandResponse } from './command-response';
import { TicketCommandAnswerDto, TicketDto, TicketHistoryEntryDto } from './ticket-answers.dto';

const WORKERS = ['lead', 'senior', 'agent'] as const;
const READERS = ['lead', 'senior', 'agent', 'contractor', 'intake', 'analyst', 'service'] as const;

@ApiTags('tickets')
@ApiBearerAuth()
@ApiHeader({ name: 'X-Correlation-Id', required: false })
@Controller('v1/tickets')
export class TicketController {
  constructor(
    private readonly commands: TicketCommands,
    private readonly queries: TicketQueries,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @ApiAnswer(TicketCommandAnswerDto, 'the ticket, received')
  @Roles('intake', 'agent', 'senior', 'lead', 'service')
  @StoresIdempotencyKey()
  async open(
    @Body() body: OpenTicketDto,
    @CurrentActor() actor: Actor,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers('x-correlation-id') correlationId: string | undefined,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    const { requestedAt, triage, ...rest } = body;
    const outcome = await this.commands.open(
      { ...rest, customer: { ...body.customer }, ...(requestedAt ? { requestedAt: new Date(requestedAt) } : {}), ...(triage ? { triage: { ...triage } } : {}) },
      { actor, correlationId },
      parseIdempotencyKey(idempotencyKey),
    );
    return createdResponse(outcome, res, (created) => `/v1/tickets/${created.id}`);
  }

  @Get()
  @PagedList({ items: 'tickets, newest first (received, then id)', item: TicketDto })
  @ApiQuery({ name: 'state', required: false, enum: TICKET_STATES })
  @ApiQuery({ name: 'assignee', required: false, description: 'member id' })
  @ApiQuery({ name: 'customerId', required: false, format: 'uuid' })
  @Roles(...READERS)
  async list(
    @CurrentActor() actor: Actor,
    @PageQuery() query: RawPageQuery,
    @Query('state') state?: string,
    @Query('assignee') assignee?: string,
    @Query('customerId') customerId?: string,
  ) {
    const problems = [
      ...(state !== undefined && !(TICKET_STATES as readonly string[]).includes(state) ? [`state must be one of: ${TICKET_STATES.join(', ')}`] : []),
      ...uuidQueryProblems(customerId, 'customerId'),
    ];
    const page = pageRequest(query, TICKET_CURSOR, problems);
    return this.queries.page({ state, assignee, customerId }, page, actor);
  }

  /** now, or `?asOf=`: as it stood at that instant (its version then), folded from its events up to it */
  @Get(':id')
  @VersionedRead()
  @AsOfRead('the ticket', "the seq of the ticket's last event included, its version then")
  @ApiAnswer(TicketDto)
  @Roles(...READERS)
  async get(@UuidParam() id: string, @CurrentActor() actor: Actor, @AsOfQuery() rawAsOf: RawAsOf, @Res({ passthrough: true }) res: FastifyReply) {
    const asOf = asOfRequest(rawAsOf, this.clock.now());
    if (asOf) {
      const past = await this.queries.ticketAsOf(id, actor, asOf);
      if (!past) throw new NotFoundException(`ticket ${id} not found as of ${asOf.toISOString()}`);
      markAsOf(res, past.mark);
      return past.ticket;
    }
    const ticket = await this.queries.ticket(id, actor);
    if (!ticket) throw new NotFoundException(`ticket ${id} not found`);
    return ticket;
  }

  /** in the order intake recorded it (default), or `?order=occurred`: by when each step happened at its source */
  @Get(':id/history')
  @ApiAnswer([TicketHistoryEntryDto], 'every state change, oldest first (or by occurredAt)')
  @ApiQuery({
    name: 'order',
    required: false,
    enum: HISTORY_ORDERS,
    description: 'recorded (default): as intake recorded it (seq); occurred: by occurredAt, when each step happened at its source, then seq',
  })
  @AsOfRead('the history', 'the seq of its last entry')
  @Roles(...READERS)
  async history(
    @UuidParam() id: string,
    @CurrentActor() actor: Actor,
    @AsOfQuery() rawAsOf: RawAsOf,
    @Res({ passthrough: true }) res: FastifyReply,
    @Query('order') order?: string,
  ) {
    const problems = order !== undefined && !(HISTORY_ORDERS as readonly string[]).includes(order) ? [`order must be one of: ${HISTORY_ORDERS.join(', ')}`] : [];
    const asOf = asOfRequest(rawAsOf, this.clock.now(), problems);
    if (asOf) {
      const past = await this.queries.historyAsOf(id, actor, asOf, order as HistoryOrder | undefined);
      if (!past) throw new NotFoundException(`ticket ${id} not found as of ${asOf.toISOString()}`);
      markAsOf(res, past.mark);
      return past.history;
    }
    const history = await this.queries.history(id, actor, order as HistoryOrder | undefined);
    if (!history) throw new NotFoundException(`ticket ${id} not found`);
    return history;
  }

  @Get(':id/history/verify')
  @ApiAnswer(ChainVerificationDto)
  @Roles(...READERS)
  async verify(@UuidParam() id: string, @CurrentActor() actor: Actor) {
    const verification = await this.queries.verify(id, actor);
    if (!verification) throw new NotFoundException(`ticket ${id} not found`);
    return verification;
  }

  /** records an assignment decided elsewhere (another system); a lead assigns through routing, which checks the rules */
  @Post(':id/assignment')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(TicketCommandAnswerDto)
  @Roles('service')
  assign(@UuidParam() id: string, @Body() body: AssignmentDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return this.run(id, actor, headers, { type: 'Assign', assignee: { ...body.assignee }, tier: body.tier, reason: body.reason });
  }

  @Post(':id/contact')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(TicketCommandAnswerDto)
  @Roles(...WORKERS, 'contractor')
  contact(@UuidParam() id: string, @Body() body: ContactDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return this.run(id, actor, headers, { type: 'Contact', channel: body.channel, note: body.note, contactedAt: body.contactedAt ? new Date(body.contactedAt) : undefined });
  }

  @Post(':id/diagnosis')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(TicketCommandAnswerDto)
  @Roles(...WORKERS, 'contractor')
  diagnose(@UuidParam() id: string, @Body() body: DiagnosisDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return this.run(id, actor, headers, { type: 'Diagnose', ...body });
  }

  @Post(':id/quote')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(TicketCommandAnswerDto)
  @Roles(...WORKERS)
  quote(@UuidParam() id: string, @Body() body: QuoteDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return this.run(id, actor, headers, { type: 'Quote', ...body });
  }

  @Post(':id/quote/accept')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(TicketCommandAnswerDto)
  @Roles(...WORKERS, 'intake')
  acceptQuote(@UuidParam() id: string, @Body() _body: EmptyDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return this.run(id, actor, headers, { type: 'AcceptQuote' });
  }

  @Post(':id/quote/decline')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(TicketCommandAnswerDto)
  @Roles(...WORKERS, 'intake')
  declineQuote(@UuidParam() id: string, @Body() body: DeclineQuoteDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return this.run(id, actor, headers, { type: 'DeclineQuote', reason: body.reason });
  }

  @Post(':id/escalation')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(TicketCommandAnswerDto)
  @Roles(...WORKERS, 'contractor')
  escalate(@UuidParam() id: string, @Body() body: ReasonDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return this.run(id, actor, headers, { type: 'RequestEscalation', reason: body.reason });
  }

  @Post(':id/resolution')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(TicketCommandAnswerDto)
  @Roles(...WORKERS, 'contractor')
  resolve(@UuidParam() id: string, @Body() body: ResolutionDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return this.run(id, actor, headers, { type: 'Resolve', ...body });
  }

  @Post(':id/feedback')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(TicketCommandAnswerDto)
  @Roles(...WORKERS, 'intake', 'service')
  feedback(@UuidParam() id: string, @Body() body: FeedbackDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return this.run(id, actor, headers, { type: 'GiveFeedback', ...body });
  }

  @Post(':id/close')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(TicketCommandAnswerDto)
  @Roles(...WORKERS)
  close(@UuidParam() id: string, @Body() body: CloseDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return this.run(id, actor, headers, { type: 'Close', note: body.note });
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(TicketCommandAnswerDto)
  @Roles(...WORKERS, 'intake')
  reopen(@UuidParam() id: string, @Body() body: ReasonDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return this.run(id, actor, headers, { type: 'Reopen', reason: body.reason });
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(TicketCommandAnswerDto)
  @Roles(...WORKERS, 'intake')
  cancel(@UuidParam() id: string, @Body() body: ReasonDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return this.run(id, actor, headers, { type: 'Cancel', reason: body.reason });
  }

  private async run(id: string, actor: Actor, headers: Record<string, string>, body: TicketCommandInput) {
    // contractors act only on tickets dispatched to them: checked in the command's transaction
    const outcome = await this.commands.execute(id, (at) => ({ ...body, ticketId: id, actor, at }) as TicketCommand, commandContext(actor, headers));
    return commandResponse(outcome);
  }
}
