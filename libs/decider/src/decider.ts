/** A domain event as a decider emits it: the envelope (id, actor, time) is added by the application. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}

/** Why a command was refused; `illegal-transition` maps to 409, `invalid-command` to 400. */
export interface Rejection {
  ok: false;
  code: 'illegal-transition' | 'invalid-command' | 'not-found';
  reason: string;
}

export type Decision<Event> = { ok: true; events: Event[] } | Rejection;

/** A stale expected version: someone else changed the aggregate since it was read (HTTP 409). */
export interface VersionConflict {
  ok: false;
  code: 'version-conflict';
  reason: string;
}

/** Why a command did not happen: the decider's rejection, or a version conflict. */
export type CommandRefusal = Rejection | VersionConflict;

/** Pure business logic of one aggregate: no I/O, no clock, no framework. */
export interface Decider<Command, Event, State> {
  decide(command: Command, state: State): Decision<Event>;
  evolve(state: State, event: Event): State;
  initialState(): State;
}

export const accept = <Event>(...events: Event[]): Decision<Event> => ({ ok: true, events });

export const reject = (code: Rejection['code'], reason: string): Rejection => ({ ok: false, code, reason });

/** Folds a stream's events into the current state. */
export function foldEvents<Command, Event, State>(decider: Decider<Command, Event, State>, events: readonly Event[]): State {
  return events.reduce(decider.evolve, decider.initialState());
}

/**
 * A command as a caller states it, without what the application supplies (`actor`, `at`, and the
 * aggregate id `Supplied`), per command type: `Omit` of the union would collapse it to its common fields.
 */
export type CommandInput<Command, Supplied extends PropertyKey = never> = Command extends unknown ? Omit<Command, Supplied | 'actor' | 'at'> : never;

/** The event type a decider emits and folds (for typing what runs it). */
export type DeciderEvent<D> = D extends { evolve(state: never, event: infer Event): unknown } ? Event : never;
