import { eventCatalogue } from '@support/contracts';
import { Decider, foldEvents, Rejection } from '@support/decider';

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

/**
 * deciderSpecification from the test kit, and more for `then`: the events really emitted must equal the
 * expected ones strictly (a key holding `undefined` counts) and each must pass the event catalogue.
 */
export function catalogueCheckedSpecification<Command, Event extends { type: string; data: unknown }, State>(decider: Decider<Command, Event, State>) {
  const spec = deciderSpecification(decider);
  return {
    given(history: Event[]) {
      return {
        when(command: Command) {
          const step = spec.given(history).when(command);
          return {
            then(expected: Event[]) {
              step.then(expected);
              const decision = decider.decide(command, foldEvents(decider, history));
              if (!decision.ok) throw new Error(decision.reason);
              expect(decision.events).toStrictEqual(expected);
              expectCatalogued(decision.events);
            },
            thenRejects: step.thenRejects,
          };
        },
      };
    },
  };
}

export function expectCatalogued(events: ReadonlyArray<{ type: string; data: unknown }>): void {
  for (const event of events) expect({ type: event.type, ...eventCatalogue.validate(event.type, event.data) }).toEqual({ type: event.type, ok: true });
}
