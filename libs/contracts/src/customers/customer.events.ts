import { defineEvent, EventOf } from '../catalogue/event-definition';

export const CUSTOMERS_TOPIC = 'support.customers.v1';

export const customerRegistered = defineEvent<
  'support.customer.registered.v1',
  { customerId: string; name: string; phone?: string; wechat?: string }
>({
  type: 'support.customer.registered.v1',
  topic: CUSTOMERS_TOPIC,
  aggregate: 'customer',
  description: 'A customer was seen for the first time (matched by phone or WeChat id).',
  personalData: ['/phone', '/wechat'],
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

export const customerEvents = [customerRegistered];
export type CustomerEvent = EventOf<(typeof customerEvents)[number]>;
