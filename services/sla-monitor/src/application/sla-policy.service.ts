import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Actor, Clock, RecordedEvent } from '@support/contracts';
import { EventStore } from '@support/event-store';
import { BusinessCalendar, DEFAULT_BUSINESS_CALENDAR, DEFAULT_SLA_RULES, SlaRule, validateBusinessCalendar, validateSlaPolicy } from '../domain';
import { SlaSettings } from './sla-monitor.service';

export const POLICY_STREAM = 'sla-policy';
const POLICY_ID = 'team';

export type PolicyOutcome =
  | { ok: true; version: number; settings: SlaSettings }
  | { ok: false; code: 'invalid-command'; errors: string[] }
  | { ok: false; code: 'version-conflict'; reason: string };

/**
 * The SLA rules and calendar in force: the defaults of DOMAIN.md until a lead changes them. Every
 * change is an event of the policy's stream, so the policy's history is its audit trail.
 */
export class SlaPolicyService {
  private current: SlaSettings = { rules: DEFAULT_SLA_RULES, calendar: DEFAULT_BUSINESS_CALENDAR };
  private version = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  /** loads the last policy a lead put in force */
  async load(): Promise<void> {
    const history = await this.store.readStream(this.dataSource, POLICY_STREAM);
    const last = history[history.length - 1];
    if (last) this.current = settingsOf(last);
    this.version = history.length;
  }

  settings(): SlaSettings {
    return this.current;
  }

  state(): { version: number } & SlaSettings {
    return { version: this.version, ...this.current };
  }

  async change(input: { rules: unknown; calendar: unknown }, actor: Actor, expectedVersion?: number): Promise<PolicyOutcome> {
    const rules = validateSlaPolicy(input.rules);
    const calendar = validateBusinessCalendar(input.calendar);
    const errors = [...(rules.ok ? [] : rules.errors), ...(calendar.ok ? [] : calendar.errors.map((e) => (e.startsWith('calendar') ? e : `calendar.${e}`)))];
    if (!rules.ok || !calendar.ok) return { ok: false, code: 'invalid-command', errors };
    return this.dataSource.transaction(async (manager) => {
      const current = await this.store.streamVersion(manager, POLICY_STREAM);
      if (expectedVersion !== undefined && expectedVersion !== current) {
        return { ok: false as const, code: 'version-conflict' as const, reason: `the policy is at version ${current}, not ${expectedVersion}` };
      }
      const id = randomUUID();
      const appended = await this.store.append(manager, {
        streamType: POLICY_STREAM,
        streamId: POLICY_STREAM,
        expectedVersion: current,
        events: [
          {
            id,
            type: 'support.sla.policy-changed.v1',
            data: { policyId: POLICY_ID, rules: rules.rules as unknown as Array<Record<string, unknown>>, calendar: calendar.calendar as unknown as Record<string, unknown> },
            occurredAt: this.clock.now(),
            metadata: { actor, causationId: null, correlationId: id },
          },
        ],
      });
      if (!appended.ok) return { ok: false as const, code: 'version-conflict' as const, reason: 'the policy changed meanwhile' };
      // clocks already running keep their terms; new clocks follow the new policy
      this.current = { rules: rules.rules, calendar: calendar.calendar };
      this.version = appended.version;
      return { ok: true as const, version: appended.version, settings: this.current };
    });
  }

  history(): Promise<RecordedEvent[]> {
    return this.store.readStream(this.dataSource, POLICY_STREAM);
  }
}

function settingsOf(event: RecordedEvent): SlaSettings {
  const data = event.data as { rules: SlaRule[]; calendar: BusinessCalendar };
  return { rules: data.rules, calendar: data.calendar };
}
