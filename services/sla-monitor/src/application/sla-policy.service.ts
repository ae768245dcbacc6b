import { DataSource } from 'typeorm';
import { Actor, Clock, RecordedEvent } from '@support/contracts';
import { AppendPipeline, CommandHandler } from '@support/command-handling';
import { ChangeSlaPolicy, DEFAULT_BUSINESS_CALENDAR, DEFAULT_SLA_RULES, SlaPolicyChanged, slaPolicyDecider, slaPolicyErrors, SlaPolicyState } from '../domain';
import { SlaSettings } from './sla-monitor.service';

export const POLICY_STREAM = 'sla-policy';
const POLICY_ID = 'team';

export type PolicyOutcome =
  { ok: true; version: number; settings: SlaSettings } | { ok: false; code: 'invalid-command'; errors: string[] } | { ok: false; code: 'version-conflict'; reason: string };

/**
 * The SLA rules and calendar in force: the defaults of DOMAIN.md until a lead changes them. Every
 * change is an event of the policy's stream, so the policy's history is its audit trail.
 */
export class SlaPolicyService {
  private current: SlaSettings = { rules: DEFAULT_SLA_RULES, calendar: DEFAULT_BUSINESS_CALENDAR };
  private version = 0;

  private readonly commands: CommandHandler<ChangeSlaPolicy, SlaPolicyChanged, SlaPolicyState, SlaPolicyState & { set: true }>;

  constructor(
    private readonly dataSource: DataSource,
    pipeline: AppendPipeline,
    clock: Clock,
  ) {
    this.commands = new CommandHandler(pipeline, clock, {
      streamType: POLICY_STREAM,
      decider: slaPolicyDecider,
      exists: (state): state is SlaPolicyState & { set: true } => state.set,
    });
  }

  /**
   * loads the last policy a lead put in force: at start, and again by the scheduler's every run and before
   * the policy is shown, since a lead may change it through another instance (a read that raced a
   * change made here never takes the older version back)
   */
  async load(): Promise<void> {
    const { state, version } = await this.commands.load(this.dataSource, POLICY_STREAM);
    if (version <= this.version) return;
    if (state.set) this.current = { rules: state.rules, calendar: state.calendar };
    this.version = version;
  }

  settings(): SlaSettings {
    return this.current;
  }

  state(): { version: number } & SlaSettings {
    return { version: this.version, ...this.current };
  }

  async change(input: { rules: unknown; calendar: unknown }, actor: Actor, expectedVersion?: number): Promise<PolicyOutcome> {
    const errors = slaPolicyErrors(input.rules, input.calendar);
    if (errors.length > 0) return { ok: false, code: 'invalid-command', errors };
    const outcome = await this.commands.handle(this.dataSource, POLICY_STREAM, (at) => ({ type: 'ChangeSlaPolicy', policyId: POLICY_ID, ...input, actor, at }), {
      actor,
      expectedVersion,
    });
    if (!outcome.ok) return outcome.code === 'version-conflict' ? outcome : { ok: false, code: 'invalid-command', errors: [outcome.reason] };
    // clocks already running keep their terms; new clocks follow the new policy
    this.current = { rules: outcome.entity.rules, calendar: outcome.entity.calendar };
    this.version = outcome.version;
    return { ok: true, version: outcome.version, settings: this.current };
  }

  history(): Promise<RecordedEvent[]> {
    return this.commands.history(this.dataSource, POLICY_STREAM);
  }
}
