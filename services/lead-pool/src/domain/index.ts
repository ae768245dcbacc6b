export * from './allocation';
export * from './lead.commands';
export * from './lead.state';
export * from './lead.decider';
export * from './lead-policy.commands';
export * from './lead-policy.state';
export * from './lead-policy.decider';
