import { Urgency } from '@support/contracts';
import { BusinessCalendar } from './business-calendar';
import { BreachAction, SlaSubject, TimeBasis } from '@support/contracts';

/** What every clock command carries: the clock, and the injected time it applies at. */
interface ClockCommandBase<Type extends string> {
  type: Type;
  clockId: string;
  /** now, or when the triggering event happened: the decider never reads a clock */
  at: Date;
}

/** Commands that measure time in the clock's basis carry the team's calendar (for working time). */
interface TimedClockCommand<Type extends string> extends ClockCommandBase<Type> {
  calendar: BusinessCalendar;
}

/** Starts the clock of a rule for a subject; the policy (clockTermsFor) computed its terms. */
export interface StartClock extends ClockCommandBase<'StartClock'> {
  ruleId: string;
  subject: SlaSubject;
  ticketId?: string;
  timeBasis: TimeBasis;
  targetMinutes: number;
  /** when the countdown began; may be before `at` (e.g. when the customer asked) */
  startedAt: Date;
  dueAt: Date;
  warnAt: Date;
  urgency?: Urgency;
  breachAction?: BreachAction;
}

/** Stops the countdown; what is left is kept. */
export type PauseClock = TimedClockCommand<'PauseClock'>;

/** Goes on counting: due and warning times move later by the time paused (in the clock's basis). */
export type ResumeClock = TimedClockCommand<'ResumeClock'>;

/** The stopping event happened at `at`: met, within target or late. */
export type StopClock = TimedClockCommand<'StopClock'>;

/** The clock no longer applies. */
export interface CancelClock extends ClockCommandBase<'CancelClock'> {
  reason: string;
}

/** The monitor's heartbeat: warns and breaches what is due by `at`, each at most once per clock. */
export type Tick = TimedClockCommand<'Tick'>;

export type SlaClockCommand = StartClock | PauseClock | ResumeClock | StopClock | CancelClock | Tick;

export type SlaClockCommandType = SlaClockCommand['type'];

export const SLA_CLOCK_COMMAND_TYPES = ['StartClock', 'PauseClock', 'ResumeClock', 'StopClock', 'CancelClock', 'Tick'] as const satisfies readonly SlaClockCommandType[];
