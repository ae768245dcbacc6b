export * from './actor';
export * from './decider';
export * from './envelope';
export * from './catalogue/event-definition';
export * from './catalogue/event-catalogue';
export * from './catalogue';
export * from './tickets/ticket.events';
export * from './customers/customer.events';
