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
