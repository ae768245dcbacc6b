import { BadRequestException, Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Clock } from '@support/contracts';
import { ApiAnswer, CLOCK, readSimulationPeriod, Roles } from '@support/service-kit';
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
  @ApiOperation({
    summary: 'simulate an SLA policy over a past period',
    description:
      'Replays the input events recorded up to `to` (tickets, visits, sheets, cases) through the same SLA engine and clock decider the monitor runs: ' +
      'under the policy recorded in force before `from`, under the proposed policy from `from` on. Answers the outcome of the clocks that started in ' +
      '[from, to) as recorded (`actual`) and as replayed (`proposed`), computed by the same function, with what the replay assumed. ' +
      'A read: it changes nothing (nothing is published, no table is written, no consumer offset moves), and takes no If-Match; ' +
      'the same request gives the same answer, byte for byte (an Idempotency-Key is honoured as on every POST: its answer is kept for retries).',
  })
  @ApiAnswer(SlaSimulationAnswerDto, 'the outcome as recorded and under the proposal')
  @Roles('lead')
  async simulate(@Body() body: SlaSimulationDto) {
    const problems = slaPolicyErrors(body.policy.rules, body.policy.calendar).map((error) => `policy.${error}`);
    const period = readSimulationPeriod(body, this.clock.now());
    if (!period.ok) problems.unshift(...period.problems);
    if (problems.length > 0 || !period.ok) throw new BadRequestException(problems);
    const rules = validateSlaPolicy(body.policy.rules) as { ok: true; rules: SlaRule[] };
    const calendar = validateBusinessCalendar(body.policy.calendar) as { ok: true; calendar: BusinessCalendar };
    return this.simulator.simulate({ rules: rules.rules, calendar: calendar.calendar }, period.period);
  }
}
