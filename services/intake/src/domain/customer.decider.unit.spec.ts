import { CustomerEvent } from '@support/contracts';
import { catalogueCheckedSpecification } from '@support/test-kit';
import { customerDecider, EraseCustomer } from './customer.decider';

const CUSTOMER_ID = '5b0c8a52-3f3a-4c1e-9d55-2f1c6f0f7a10';
const TICKET_IDS = ['0d8f6a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6'];
const spec = catalogueCheckedSpecification(customerDecider);

const registered: CustomerEvent = { type: 'support.customer.registered.v1', data: { customerId: CUSTOMER_ID, name: 'sealed:v1:abc', phone: 'sealed:v1:def' } };
const erased: CustomerEvent = { type: 'support.customer.erased.v1', data: { customerId: CUSTOMER_ID, reason: 'asked to be forgotten', ticketIds: TICKET_IDS } };
const erase = (overrides: Partial<EraseCustomer> = {}): EraseCustomer => ({
  type: 'EraseCustomer',
  customerId: CUSTOMER_ID,
  reason: 'asked to be forgotten',
  ticketIds: TICKET_IDS,
  actor: { id: 'lead-1', role: 'lead' },
  at: new Date('2026-11-23T01:00:00Z'),
  ...overrides,
});

describe('the Customer decider: erasure', () => {
  it('erases a registered customer, naming their tickets', () => {
    spec.given([registered]).when(erase()).then([erased]);
  });

  it('refuses a customer never registered (404) and one erased already (409)', () => {
    spec
      .given([])
      .when(erase())
      .thenRejects('not-found', /not found/);
    spec
      .given([registered, erased])
      .when(erase())
      .thenRejects('illegal-transition', /erased already/);
  });

  it('needs a reason, and not an endless one', () => {
    spec
      .given([registered])
      .when(erase({ reason: ' ' }))
      .thenRejects('invalid-command', /reason must not be empty/);
    spec
      .given([registered])
      .when(erase({ reason: 'x'.repeat(2001) }))
      .thenRejects('invalid-command', /at most 2000/);
  });
});
