import { Actor, CustomerEvent } from '@support/contracts';
import { accept, blank, Decider, Decision, invalid, reject } from '@support/decider';

/** A lead erases a customer's personal data (intake destroys their data key). */
export interface EraseCustomer {
  type: 'EraseCustomer';
  customerId: string;
  reason: string;
  /** the customer's tickets now: consumers holding copies of them drop the personal data */
  ticketIds: string[];
  actor: Actor;
  at: Date;
}

/** A customer seen for the first time, registered with the ticket that names them. */
export interface RegisterCustomer {
  type: 'RegisterCustomer';
  customerId: string;
  customer: { name: string; phone?: string; wechat?: string };
  actor: Actor;
  at: Date;
}

export type CustomerCommand = RegisterCustomer | EraseCustomer;

/** A customer as their stream tells it: never registered, registered, or erased. */
export type CustomerAggregate = { state: 'none' } | { state: 'registered'; id: string } | { state: 'erased'; id: string };

const REASON_MAX = 2000;

/** The Customer decider: registration (recorded with a ticket) and erasure. */
export const customerDecider: Decider<CustomerCommand, CustomerEvent, CustomerAggregate> = {
  initialState: () => ({ state: 'none' }),
  decide: decideCustomer,
  evolve: evolveCustomer,
};

export function decideCustomer(command: CustomerCommand, state: CustomerAggregate): Decision<CustomerEvent> {
  if (command.type === 'RegisterCustomer') {
    if (state.state !== 'none') return reject('illegal-transition', `customer ${command.customerId} is registered already`);
    return accept({ type: 'support.customer.registered.v1', data: { customerId: command.customerId, ...command.customer } });
  }
  if (state.state === 'none') return reject('not-found', `customer ${command.customerId} not found`);
  if (state.state === 'erased') return reject('illegal-transition', `customer ${command.customerId} was erased already`);
  const problem = blank(command.reason, 'reason') ?? (command.reason.length > REASON_MAX ? `reason must be at most ${REASON_MAX} characters` : undefined);
  if (problem) return invalid(problem);
  return accept({ type: 'support.customer.erased.v1', data: { customerId: command.customerId, reason: command.reason, ticketIds: [...command.ticketIds] } });
}

export function evolveCustomer(state: CustomerAggregate, event: CustomerEvent): CustomerAggregate {
  switch (event.type) {
    case 'support.customer.registered.v1':
      return { state: 'registered', id: event.data.customerId };
    case 'support.customer.erased.v1':
      return { state: 'erased', id: event.data.customerId };
  }
}
