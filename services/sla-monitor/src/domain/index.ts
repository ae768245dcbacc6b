export * from './business-calendar';
export * from './sla-policy';
export * from './sla-clock.commands';
export * from './sla-clock.state';
export * from './sla-clock.decider';
export * from './sla-engine';
export * from './sla-policy.decider';
export * from './clock-as-of';
