export * from './webhook-subscription.commands';
export * from './webhook-subscription.state';
export * from './webhook-subscription.decider';
export * from './webhook-url';
export * from './retry-schedule';
