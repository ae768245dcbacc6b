import { Actor, Decider, eventCatalogue, foldEvents } from '@support/contracts';
import { deciderSpecification } from '@support/test-kit';

// test helpers shared by the lead-pool decider specs (not part of the domain's exports)

export const NOW = new Date('2025-03-03T01:00:00.000Z');
export const LEAD = '6a1f2b3c-4d5e-4f60-8a7b-9c0d1e2f3a01';
export const TICKET = '0b7f3c2e-5d7a-4c1e-9a61-2f4d8e6b1a01';
export const OTHER_TICKET = '1c8e4d3f-6e8b-4d2f-8b72-3e5f9a7c2b02';
export const POLICY = 'studio';

export const lead: Actor = { id: 'lead-zhao', role: 'lead', name: 'Zhao' };
export const senior: Actor = { id: 'senior-li', role: 'senior', name: 'Li' };
export const agent: Actor = { id: 'agent-wang', role: 'agent', name: 'Wang' };
export const otherAgent: Actor = { id: 'agent-liu', role: 'agent' };
export const contractor: Actor = { id: 'contractor-chen', role: 'contractor', name: 'Chen' };
export const analyst: Actor = { id: 'analyst-sun', role: 'analyst' };
export const pool: Actor = { id: 'lead-pool', role: 'service' };

export const minutesAfter = (date: Date, minutes: number) => new Date(date.getTime() + minutes * 60_000);

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

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const nested of Object.values(value)) deepFreeze(nested);
  }
  return value;
}
