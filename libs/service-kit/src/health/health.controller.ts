import { Controller, Get, Inject, Optional, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { Public } from '../auth/public.decorator';
import { CONSUMER_GROUPS, ConsumerGroupStatus, READINESS_PROBES, ReadinessProbe, withTimeout } from './readiness-probe';

/** Upper bound for one probe, so a hung dependency cannot hang the readiness check. */
export const PROBE_TIMEOUT_MS = 5000;

const LIVE: HealthCheckResult = Object.freeze({ status: 'ok', info: {}, error: {}, details: {} });

/**
 * `GET /health/live` (the process answers) and `GET /health/ready` (every probe passes, else 503). Ready
 * also says which consumer groups are still joining; it does not wait for them, since commands need only
 * PostgreSQL (after a crash a group takes up to its session timeout to let a new member in).
 */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_PROBES) private readonly probes: ReadinessProbe[],
    @Optional() @Inject(CONSUMER_GROUPS) private readonly groups: readonly ConsumerGroupStatus[] = [],
  ) {}

  @Get('live')
  @HealthCheck()
  live(): HealthCheckResult {
    // terminus' answer for no indicators, built once: liveness is polled often and checks nothing
    return LIVE;
  }

  @Get('ready')
  @HealthCheck()
  async ready(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([...this.probes.map((probe) => () => this.run(probe)), ...(this.groups.length ? [() => this.consumers()] : [])]);
    } catch (err) {
      // terminus has logged the details; the client gets the error shape with the failing names only,
      // since reasons (hosts, users) are not for an unauthenticated caller
      if (err instanceof ServiceUnavailableException) throw new ServiceUnavailableException(downNames(err.getResponse()));
      throw err;
    }
  }

  private consumers(): HealthIndicatorResult {
    const joining = this.groups.filter((group) => !group.joined).map((group) => group.groupId);
    return this.indicators.check('consumers').up({ state: joining.length ? 'joining' : 'joined', joining });
  }

  private async run(probe: ReadinessProbe): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(probe.name);
    try {
      await withTimeout(probe.check(), PROBE_TIMEOUT_MS, `no answer within ${PROBE_TIMEOUT_MS} ms`);
      return indicator.up();
    } catch (err) {
      return indicator.down({ message: err instanceof Error ? err.message : String(err) });
    }
  }
}

function downNames(response: unknown): string[] {
  const failed = (response as Partial<HealthCheckResult> | undefined)?.error ?? {};
  const names = Object.keys(failed).map((name) => `${name} is down`);
  return names.length ? names : ['not ready'];
}
