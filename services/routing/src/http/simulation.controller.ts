import { BadRequestException, Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Clock } from '@support/contracts';
import { ApiAnswer, CLOCK, Roles, simulationPeriod } from '@support/service-kit';
import { RoutingSimulation } from '../application/routing-simulation.service';
import { RoutingSimulationAnswerDto, RoutingSimulationRequestDto } from './simulation.dto';

@ApiTags('simulation')
@ApiBearerAuth()
@Controller('v1/simulations')
export class SimulationController {
  constructor(
    private readonly simulation: RoutingSimulation,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'What if: replay a past period with a changed roster',
    description:
      "Replays `[from, to)` through routing's own rounds with the roster changes in force from `from` (everything before replays as recorded), " +
      'and answers the recorded and the replayed outcome side by side, with what the replay assumed. A change names a member on the roster by `to` ' +
      '(capacity, duty, tier, skills, contractor whitelist; the tier must be the one the role sits at, as on registration, and the role cannot change), ' +
      'or a member not on it, whom the proposal adds: they join at `from` (registered, on duty unless onDuty is false) and stay the whole period, ' +
      'and need what registration needs: role, tier, capacity, and scenarios for a contractor (name defaults to the member id). A read: it changes nothing (nothing is published, ' +
      'no table is written, no consumer offset moves) and takes no If-Match; the same request gives the same answer, byte for byte (an Idempotency-Key ' +
      'is honoured as on every POST: its answer is kept for retries). 400 names the field and the rule ' +
      "(a recorded member's role changed, an added member without role, tier or capacity, a change that breaks the roster rules, " +
      'a period not in the past or longer than 92 days).',
  })
  @ApiAnswer(RoutingSimulationAnswerDto, 'actual and proposed outcomes')
  @Roles('lead')
  async simulate(@Body() body: RoutingSimulationRequestDto): Promise<RoutingSimulationAnswerDto> {
    const period = simulationPeriod(body, this.clock.now());
    const outcome = await this.simulation.simulate(period, { members: body.roster.members.map((m) => ({ ...m })) });
    if (!outcome.ok) throw new BadRequestException(outcome.problems);
    return outcome.answer;
  }
}
