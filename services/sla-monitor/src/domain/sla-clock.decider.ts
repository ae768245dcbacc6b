import { URGENCIES } from '@support/contracts';
import { accept, Decider, Decision, invalid, isBlank, reject, validDate } from '@support/decider';
import { addMinutes, minutesBetween } from './business-calendar';
import { SlaClockCommand, StartClock } from './sla-clock.commands';
import { clockExists, evolveSlaClock, initialSlaClockState, isOpen, SlaClock, SlaClockState } from './sla-clock.state';
import { BREACH_ACTIONS, SLA_SUBJECTS, SlaClockRef, SlaEvent, TIME_BASES } from '@support/contracts';

/**
 * The SLA clock decider (one clock per subject and rule). Order of checks as in the other deciders: the clock
 * must exist (`not-found`), the command must be legal now (`illegal-transition`, 409), then its values must
 * hold (`invalid-command`, 400).
 *
 * - Tick warns once (at warnAt) and breaches once (strictly after dueAt), never twice; a Tick that finds the
 *   clock already past due breaches without warning first. Paused and ended clocks never fire (a Tick on an
 *   ended clock is accepted with no events: schedulers race stopping events).
 * - Stop after the due time is "met late": clock-met with withinTarget false. If no Tick has breached the
 *   clock yet, the breach is recorded first (without action: the work happened), so every late clock has
 *   exactly one breach. A stopping event that happened before the due time but arrived after a Tick
 *   breached the clock is met within target: the breach stays on record, the verdict follows the facts.
 * - Pause keeps what is left; Resume sets the due time that far after the resume (in the rule's basis).
 */
export const slaClockDecider: Decider<SlaClockCommand, SlaEvent, SlaClockState> = {
  decide: decideSlaClock,
  evolve: evolveSlaClock,
  initialState: initialSlaClockState,
};

export function decideSlaClock(command: SlaClockCommand, state: SlaClockState): Decision<SlaEvent> {
  if (command.type !== 'StartClock' && !clockExists(state)) return reject('not-found', `clock ${command.clockId} has not started`);
  if (clockExists(state) && state.clockId !== command.clockId) {
    // the caller loaded the wrong stream: a bug, not a business outcome
    throw new Error(`command for clock ${command.clockId} decided on clock ${state.clockId}`);
  }
  if (command.type === 'StartClock') {
    if (clockExists(state)) return reject('illegal-transition', `clock ${state.clockId} has already started (it runs once per subject and rule)`);
    return start(command);
  }

  const clock = state as SlaClock;
  // a tick racing the clock's end is no mistake: there is just nothing left to fire
  if (command.type === 'Tick' && !isOpen(clock)) return accept();
  if (!isOpen(clock)) return reject('illegal-transition', `clock ${clock.clockId} is ${clock.status}`);
  if (command.type === 'PauseClock' && clock.status === 'paused') return reject('illegal-transition', `clock ${clock.clockId} is already paused`);
  if (command.type === 'ResumeClock' && clock.status !== 'paused') return reject('illegal-transition', `clock ${clock.clockId} is not paused`);
  if (!validDate(command.at)) return invalid('at must be a valid date');
  const ref = refOf(clock);
  const at = command.at.toISOString();
  const dueAt = clock.dueAt.toISOString();

  switch (command.type) {
    case 'PauseClock': {
      const remainingMinutes = minutesBetween(clock.timeBasis, command.calendar, command.at, clock.dueAt);
      return accept({ type: 'support.sla.clock-paused.v1', data: { ...ref, at, remainingMinutes } });
    }

    case 'ResumeClock': {
      const pausedAt = clock.pausedAt as Date;
      if (command.at.getTime() < pausedAt.getTime()) return invalid(`at must not be before the pause (${pausedAt.toISOString()})`);
      const { timeBasis } = clock;
      const newDue = addMinutes(timeBasis, command.calendar, command.at, clock.remainingAtPause as number);
      const warnLeft = minutesBetween(timeBasis, command.calendar, pausedAt, clock.warnAt);
      const shiftedWarn = addMinutes(timeBasis, command.calendar, command.at, warnLeft);
      const newWarn = shiftedWarn.getTime() <= newDue.getTime() ? shiftedWarn : newDue;
      return accept({
        type: 'support.sla.clock-resumed.v1',
        data: {
          ...ref,
          at,
          dueAt: newDue.toISOString(),
          warnAt: newWarn.toISOString(),
          pausedMinutes: minutesBetween(timeBasis, command.calendar, pausedAt, command.at),
        },
      });
    }

    case 'StopClock': {
      const paused = clock.status === 'paused';
      const remainingMinutes = paused ? (clock.remainingAtPause as number) : minutesBetween(clock.timeBasis, command.calendar, command.at, clock.dueAt);
      const late = paused ? remainingMinutes < 0 : command.at.getTime() > clock.dueAt.getTime();
      const met: SlaEvent = { type: 'support.sla.clock-met.v1', data: { ...ref, at, withinTarget: !late, remainingMinutes } };
      if (!late || clock.breached) return accept(met);
      const lateByMinutes = Math.max(0, -remainingMinutes);
      const breached: SlaEvent = { type: 'support.sla.clock-breached.v1', data: { ...ref, at, dueAt, lateByMinutes } };
      return accept<SlaEvent>(breached, met);
    }

    case 'CancelClock': {
      if (typeof command.reason !== 'string' || command.reason.trim() === '') return invalid('reason must not be empty');
      return accept({ type: 'support.sla.clock-cancelled.v1', data: { ...ref, at, reason: command.reason.trim() } });
    }

    case 'Tick': {
      if (clock.status === 'paused' || clock.breached) return accept();
      if (command.at.getTime() > clock.dueAt.getTime()) {
        const lateByMinutes = Math.max(0, minutesBetween(clock.timeBasis, command.calendar, clock.dueAt, command.at));
        const action = clock.breachAction ? { action: clock.breachAction } : {};
        return accept({ type: 'support.sla.clock-breached.v1', data: { ...ref, at, dueAt, lateByMinutes, ...action } });
      }
      if (!clock.warned && command.at.getTime() >= clock.warnAt.getTime()) {
        const remainingMinutes = minutesBetween(clock.timeBasis, command.calendar, command.at, clock.dueAt);
        return accept({ type: 'support.sla.clock-warned.v1', data: { ...ref, at, dueAt, remainingMinutes } });
      }
      return accept();
    }
  }
}

function start(command: StartClock): Decision<SlaEvent> {
  if (isBlank(command.clockId)) return invalid('clockId must not be empty');
  if (isBlank(command.ruleId)) return invalid('ruleId must not be empty');
  if (!command.subject || !(SLA_SUBJECTS as readonly string[]).includes(command.subject.type)) {
    return invalid(`subject.type must be one of ${SLA_SUBJECTS.join(', ')}`);
  }
  if (isBlank(command.subject.id)) return invalid('subject.id must not be empty');
  if (command.ticketId !== undefined && isBlank(command.ticketId)) return invalid('ticketId must not be empty when given');
  if (!(TIME_BASES as readonly string[]).includes(command.timeBasis)) return invalid(`timeBasis must be one of ${TIME_BASES.join(', ')}`);
  if (!Number.isFinite(command.targetMinutes) || command.targetMinutes < 0) return invalid('targetMinutes must be a number of minutes, 0 or more');
  for (const field of ['at', 'startedAt', 'dueAt', 'warnAt'] as const) {
    if (!validDate(command[field])) return invalid(`${field} must be a valid date`);
  }
  if (command.warnAt.getTime() > command.dueAt.getTime()) return invalid('warnAt must not be after dueAt');
  if (command.urgency !== undefined && !(URGENCIES as readonly string[]).includes(command.urgency)) return invalid(`urgency must be one of ${URGENCIES.join(', ')}`);
  if (command.breachAction !== undefined && !(BREACH_ACTIONS as readonly string[]).includes(command.breachAction)) {
    return invalid(`breachAction must be one of ${BREACH_ACTIONS.join(', ')}`);
  }
  return accept({
    type: 'support.sla.clock-started.v1',
    data: {
      clockId: command.clockId,
      ruleId: command.ruleId,
      subject: { type: command.subject.type, id: command.subject.id },
      ...(command.ticketId !== undefined ? { ticketId: command.ticketId } : {}),
      startedAt: command.startedAt.toISOString(),
      dueAt: command.dueAt.toISOString(),
      warnAt: command.warnAt.toISOString(),
      timeBasis: command.timeBasis,
      targetMinutes: command.targetMinutes,
      ...(command.urgency !== undefined ? { urgency: command.urgency } : {}),
      ...(command.breachAction !== undefined ? { breachAction: command.breachAction } : {}),
    },
  });
}

function refOf(clock: SlaClock): SlaClockRef {
  return {
    clockId: clock.clockId,
    ruleId: clock.ruleId,
    subject: { type: clock.subject.type, id: clock.subject.id },
    ...(clock.ticketId !== undefined ? { ticketId: clock.ticketId } : {}),
  };
}
