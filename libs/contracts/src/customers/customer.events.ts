import { defineEvent, EventOf } from '../catalogue/event-definition';

export const CUSTOMERS_TOPIC = 'support.customers.v1';

export const customerRegistered = defineEvent({
  type: 'support.customer.registered.v1',
  topic: CUSTOMERS_TOPIC,
  aggregate: 'customer',
  description: 'A customer was seen for the first time (matched by phone or WeChat id).',
  personalData: ['/name', '/phone', '/wechat'],
  schema: {
    type: 'object',
    required: ['customerId', 'name'],
    additionalProperties: false,
    properties: {
      customerId: { type: 'string', format: 'uuid' },
      name: { type: 'string' },
      phone: { type: 'string' },
      wechat: { type: 'string' },
    },
  },
});

export const customerErased = defineEvent({
  type: 'support.customer.erased.v1',
  topic: CUSTOMERS_TOPIC,
  aggregate: 'customer',
  description:
    "A lead erased the customer's personal data (crypto-shredding): intake destroyed the customer's data key, so every name, phone and WeChat id it sealed with it reads `[erased]`; the hash chain is untouched. Consumers holding copies (of support.customer.registered.v1 and of the listed tickets' support.ticket.received.v1) drop them.",
  schema: {
    type: 'object',
    required: ['customerId', 'reason', 'ticketIds'],
    additionalProperties: false,
    properties: {
      customerId: { type: 'string', format: 'uuid' },
      reason: { type: 'string', minLength: 1, maxLength: 2000, description: 'why, e.g. the customer asked to be forgotten' },
      ticketIds: { type: 'array', items: { type: 'string', format: 'uuid' }, description: "the customer's tickets at erasure" },
    },
  },
});

export const customerEvents = [customerRegistered, customerErased];
export type CustomerEvent = EventOf<(typeof customerEvents)[number]>;
