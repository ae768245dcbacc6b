import { BadRequestException, Body, Controller, Get, Header, Headers, HttpCode, Inject, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Clock } from '@support/contracts';
import { ApiAnswer, ApiAnswerAs, CLOCK, Public, Roles, simulationPeriod } from '@support/service-kit';
import { WhatIf, WhatIfAnswer } from '../application/what-if.service';
import { whatIfCsv, whatIfFileName } from '../application/what-if.csv';
import { WHAT_IF_PARTS } from '../domain';
import { WhatIfAnswerDto, WhatIfDto } from './what-if.dto';
import { WHAT_IF_SCRIPT } from './what-if.page';

/** What-if: a proposal replayed over a past period by each service that owns a part, shown side by side. */
@ApiTags('dashboard')
@ApiBearerAuth()
@Controller()
export class WhatIfController {
  constructor(
    private readonly whatIf: WhatIf,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('what-if.js')
  @Public()
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @ApiAnswerAs('text/javascript', "the page's what-if script", 'const WHAT_IF_PARTS = {};')
  whatIfScript() {
    return WHAT_IF_SCRIPT;
  }

  @Post('v1/simulations')
  @HttpCode(200)
  @Roles('lead')
  @ApiOperation({
    summary: 'what a proposed policy would have done over a past period, side by side with what happened',
    description:
      'Each part given (sla, routing, leads) is replayed by its owning service through its own domain code, with the proposal in place of the policy in force from `from`; nothing is published, no table changes and no consumer offset moves (an Idempotency-Key is honoured as on every POST: its answer is kept for retries). ' +
      'The answer pairs every figure of the actual and the proposed outcome and lists what each replay assumed. The same proposal over the same period answers the same, byte for byte. ' +
      'JSON by default; CSV (text/csv: from,to,part,kind,measure,actual,proposed,change, a line per figure and per assumption) with `Accept: text/csv` or `?format=csv`.',
  })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'], description: 'csv: the comparison and assumptions as a CSV file (as Accept: text/csv)' })
  @ApiAnswer(WhatIfAnswerDto)
  async simulate(
    @Body() body: WhatIfDto,
    @Headers('authorization') authorization: string,
    @Headers('accept') accept: string | undefined,
    @Headers('x-correlation-id') correlationId: string | undefined,
    @Res({ passthrough: true }) res: FastifyReply,
    @Query('format') format?: string,
  ): Promise<WhatIfAnswer | string> {
    if (format !== undefined && format !== 'json' && format !== 'csv') throw new BadRequestException(['format must be one of json, csv']);
    simulationPeriod(body, this.clock.now());
    if (!WHAT_IF_PARTS.some((part) => body[part] !== undefined)) throw new BadRequestException([`one of ${WHAT_IF_PARTS.join(', ')} is required: the proposal to simulate`]);
    const answer = await this.whatIf.simulate(body, authorization, correlationId);
    if (format === 'csv' || (format === undefined && /\btext\/csv\b/.test(accept ?? ''))) {
      res.header('Content-Type', 'text/csv; charset=utf-8');
      res.header('Content-Disposition', `attachment; filename="${whatIfFileName(answer)}"`);
      return whatIfCsv(answer);
    }
    return answer;
  }
}
