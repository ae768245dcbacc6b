import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Clock } from '@support/contracts';
import { ApiAnswer, CLOCK, Roles, simulationPeriod } from '@support/service-kit';
import { LeadSimulationService } from '../application/lead-simulation.service';
import { LeadSimulationAnswerDto } from './lead-simulation.dto';
import { RatiosSimulationDto } from './lead-simulation.dto';

@ApiTags('what if')
@ApiBearerAuth()
@Controller('v1')
export class LeadSimulationController {
  constructor(
    private readonly simulations: LeadSimulationService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post('simulations')
  @HttpCode(200)
  @ApiOperation({
    summary: 'what the proposed ratios would have done over a past period',
    description:
      "Replays the pool's record (captures, responses, ratios, and the roster it consumed) through the live allocation rule with the proposed ratios from `from`, " +
      'and answers the outcome of the leads captured in [from, to) as recorded (`actual`) and as replayed (`proposed`), with what the replay assumed. ' +
      'A read: it changes nothing (nothing is published, no table is written, no consumer offset moves) and takes no If-Match. The same request answers the same body, byte for byte (an Idempotency-Key is honoured as on every POST: its answer is kept for retries).',
  })
  @ApiAnswer(LeadSimulationAnswerDto, 'actual and proposed side by side')
  @Roles('lead')
  simulate(@Body() body: RatiosSimulationDto) {
    const period = simulationPeriod(body, this.clock.now());
    return this.simulations.simulate(
      period,
      body.ratios.map((r) => ({ memberId: r.memberId, weight: r.weight })),
    );
  }
}
