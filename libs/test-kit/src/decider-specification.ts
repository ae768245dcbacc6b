import { Decider, Rejection } from '@support/contracts';

/**
 * given(events).when(command).then(events) for pure deciders.
 * `then` also checks that the emitted events fold without error.
 */
export function deciderSpecification<Command, Event, State>(decider: Decider<Command, Event, State>) {
  return {
    given(history: Event[]) {
      return {
        when(command: Command) {
          const state = () => history.reduce(decider.evolve, decider.initialState());
          const decide = () => decider.decide(command, state());
          return {
            then(expected: Event[]) {
              const decision = decide();
              if (!decision.ok) throw new Error(`expected events, command was rejected: ${decision.reason}`);
              expect(decision.events).toEqual(expected);
              expect(() => decision.events.reduce(decider.evolve, state())).not.toThrow();
            },
            thenRejects(code: Rejection['code'], reasonPattern?: RegExp) {
              const decision = decide();
              if (decision.ok) throw new Error(`expected a rejection, got events: ${JSON.stringify(decision.events)}`);
              expect(decision.code).toBe(code);
              if (reasonPattern) expect(decision.reason).toMatch(reasonPattern);
            },
          };
        },
      };
    },
  };
}
