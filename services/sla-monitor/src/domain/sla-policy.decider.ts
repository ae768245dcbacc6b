import { Actor } from '@support/contracts';
import { accept, Decider, invalid } from '@support/decider';
import { BusinessCalendar, validateBusinessCalendar } from './business-calendar';
import { SlaRule, validateSlaPolicy } from './sla-policy';

/** A lead puts rules and a business calendar in force, as given (checked here). */
export interface ChangeSlaPolicy {
  type: 'ChangeSlaPolicy';
  policyId: string;
  rules: unknown;
  calendar: unknown;
  actor: Actor;
  at: Date;
}

export type SlaPolicyChanged = {
  type: 'support.sla.policy-changed.v1';
  data: { policyId: string; rules: Array<Record<string, unknown>>; calendar: Record<string, unknown> };
};

/** The policy in force: none until a lead sets one (the defaults of DOMAIN.md apply), then the last set. */
export type SlaPolicyState = { set: false } | { set: true; rules: readonly SlaRule[]; calendar: BusinessCalendar };

/** Every field error of a proposed policy, the calendar's named as `calendar.…`. */
export function slaPolicyErrors(rules: unknown, calendar: unknown): string[] {
  const checkedRules = validateSlaPolicy(rules);
  const checkedCalendar = validateBusinessCalendar(calendar);
  return [...(checkedRules.ok ? [] : checkedRules.errors), ...(checkedCalendar.ok ? [] : checkedCalendar.errors.map((e) => (e.startsWith('calendar') ? e : `calendar.${e}`)))];
}

export const slaPolicyDecider: Decider<ChangeSlaPolicy, SlaPolicyChanged, SlaPolicyState> = {
  initialState: () => ({ set: false }),
  decide(command) {
    const rules = validateSlaPolicy(command.rules);
    const calendar = validateBusinessCalendar(command.calendar);
    if (!rules.ok || !calendar.ok) return invalid(slaPolicyErrors(command.rules, command.calendar).join('; '));
    return accept({
      type: 'support.sla.policy-changed.v1',
      data: { policyId: command.policyId, rules: rules.rules as unknown as Array<Record<string, unknown>>, calendar: calendar.calendar as unknown as Record<string, unknown> },
    });
  },
  evolve: (_state, event) => ({ set: true, rules: event.data.rules as unknown as SlaRule[], calendar: event.data.calendar as unknown as BusinessCalendar }),
};
