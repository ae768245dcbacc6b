import { BadRequestException, Body, Controller, HttpCode, Inject, Post, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Clock } from '@support/contracts';
import { ApiAnswer, CLOCK, Roles, simulationPeriod, STORES_IDEMPOTENCY_KEY } from '@support/service-kit';
import { SlaSimulator } from '../application/sla-simulation.service';
import { BusinessCalendar, SlaRule, slaPolicyErrors, validateBusinessCalendar, validateSlaPolicy } from '../domain';
import { SlaSimulationAnswerDto, SlaSimulationDto } from './simulation.dto';

@ApiTags('simulations')
@ApiBearerAuth()
@Controller('v1')
export class SimulationsController {
  constructor(
    private readonly simulator: SlaSimulator,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** what-if: the period's clocks as recorded and as a proposed SLA policy would have run them */
  @Post('simulations')
  @HttpCode(200)
  // a read: nothing to store, so the kit's Idempotency-Key interceptor stays off this POST (it would write a row)
  @SetMetadata(STORES_IDEMPOTENCY_KEY, true)
  @ApiOperation({
    summary: 'simulate an SLA policy over a past period',
    description:
      'Replays the input events recorded up to `to` (tickets, visits, sheets, cases) through the same SLA engine and clock decider the monitor runs: ' +
      'under the policy recorded in force before `from`, under the proposed policy from `from` on. Answers the outcome of the clocks that started in ' +
      '[from, to) as recorded (`actual`) and as replayed (`proposed`), computed by the same function, with what the replay assumed. ' +
      'A read: it changes nothing (nothing is published, no table is written, no consumer offset moves), so it takes no Idempotency-Key and no If-Match; ' +
      'the same request gives the same answer, byte for byte.',
  })
  @ApiAnswer(SlaSimulationAnswerDto, 'the outcome as recorded and under the proposal')
  @Roles('lead')
  async simulate(@Body() body: SlaSimulationDto) {
    const problems = slaPolicyErrors(body.policy.rules, body.policy.calendar).map((error) => `policy.${error}`);
    let period: { from: Date; to: Date } | undefined;
    try {
      period = simulationPeriod(body, this.clock.now());
    } catch (error) {
      if (!(error instanceof BadRequestException)) throw error;
      problems.unshift(...messagesOf(error));
    }
    if (problems.length > 0 || !period) throw new BadRequestException(problems);
    const rules = validateSlaPolicy(body.policy.rules) as { ok: true; rules: SlaRule[] };
    const calendar = validateBusinessCalendar(body.policy.calendar) as { ok: true; calendar: BusinessCalendar };
    return this.simulator.simulate({ rules: rules.rules, calendar: calendar.calendar }, period);
  }
}

function messagesOf(error: BadRequestException): string[] {
  const message = (error.getResponse() as { message?: unknown }).message;
  return Array.isArray(message) ? message.map(String) : [String(message ?? error.message)];
}
