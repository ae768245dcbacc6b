import { Body, Controller, Get, Headers, HttpCode, NotFoundException, Param, Post, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Actor } from '@support/contracts';
import { auditTrail } from '@support/event-store';
import {
  AcceptsIfMatch,
  ApiAnswer,
  AuditEntryDto,
  commandContext,
  createdResponse,
  CurrentActor,
  PagedList,
  pageRequest,
  PageQuery,
  parseIdempotencyKey,
  RawPageQuery,
  refusalToHttp,
  Roles,
  StoresIdempotencyKey,
  VersionedRead,
} from '@support/service-kit';
import { MemberAnswerDto, RosterEntryDto } from './routing-answers.dto';
import { MemberCommand } from '../domain';
import { RosterService } from '../application/roster.service';
import { RoutingQueries } from '../application/routing-queries';
import { MEMBER_CURSOR } from '../persistence/roster.repository';
import { MemberProfileDto, RegisterMemberDto } from './member.dto';

const READERS = ['lead', 'senior', 'agent', 'analyst', 'service'] as const;

@ApiTags('roster')
@ApiBearerAuth()
@Controller('v1/members')
export class RosterController {
  constructor(
    private readonly roster: RosterService,
    private readonly queries: RoutingQueries,
  ) {}

  @Post()
  @ApiAnswer(MemberAnswerDto, 'the member, registered')
  @Roles('lead', 'service')
  @StoresIdempotencyKey()
  async register(@Body() body: RegisterMemberDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>, @Res({ passthrough: true }) res: FastifyReply) {
    const { memberId, role, onDuty, ...profile } = body;
    // registered and on duty in one write: a refusal leaves no half-registered member
    const commands: MemberRequest[] = [
      { type: 'RegisterMember', memberId, role, ...profile, skills: [...profile.skills], scenarios: [...profile.scenarios] },
      ...(onDuty ? [{ type: 'GoOnDuty' as const, memberId }] : []),
    ];
    const outcome = await this.roster.register(
      memberId,
      (at) => commands.map((command) => ({ ...command, actor, at }) as MemberCommand),
      { actor, correlationId: headers['x-correlation-id'] },
      body,
      parseIdempotencyKey(headers['idempotency-key']),
    );
    return createdResponse(outcome, res, (member) => `/v1/members/${member.memberId}`);
  }

  @Get()
  @PagedList({ items: 'roster members, by member id', item: RosterEntryDto })
  @Roles(...READERS)
  members(@PageQuery() query: RawPageQuery) {
    return this.queries.members(pageRequest(query, MEMBER_CURSOR));
  }

  @Get(':id')
  @VersionedRead()
  @ApiAnswer(RosterEntryDto)
  @Roles(...READERS)
  async member(@Param('id') id: string) {
    const member = await this.queries.member(id);
    if (!member) throw new NotFoundException(`member ${id} not found`);
    return member;
  }

  @Get(':id/history')
  @ApiAnswer([AuditEntryDto], "the member's roster events, oldest first")
  @Roles(...READERS)
  async history(@Param('id') id: string) {
    const events = await this.roster.history(id);
    if (events.length === 0) throw new NotFoundException(`member ${id} not found`);
    return auditTrail(events);
  }

  @Put(':id/profile')
  @AcceptsIfMatch()
  @ApiAnswer(MemberAnswerDto)
  @Roles('lead')
  profile(@Param('id') id: string, @Body() body: MemberProfileDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return this.run(id, actor, headers, { type: 'ChangeProfile', memberId: id, ...body, skills: [...body.skills], scenarios: [...body.scenarios] });
  }

  @Post(':id/on-duty')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(MemberAnswerDto)
  @Roles('lead')
  onDuty(@Param('id') id: string, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return this.run(id, actor, headers, { type: 'GoOnDuty', memberId: id });
  }

  @Post(':id/off-duty')
  @HttpCode(200)
  @AcceptsIfMatch()
  @ApiAnswer(MemberAnswerDto)
  @Roles('lead')
  offDuty(@Param('id') id: string, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    return this.run(id, actor, headers, { type: 'GoOffDuty', memberId: id });
  }

  private async run(memberId: string, actor: Actor, headers: Record<string, string>, command: MemberRequest) {
    const outcome = await this.roster.execute(memberId, (at) => ({ ...command, actor, at }) as MemberCommand, commandContext(actor, headers));
    if (!outcome.ok) return refusalToHttp(outcome);
    return { ...outcome.member, version: outcome.version };
  }
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
type MemberRequest = DistributiveOmit<MemberCommand, 'actor' | 'at'>;
