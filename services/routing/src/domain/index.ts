export * from './member.commands';
export * from './member.state';
export * from './member.decider';
export * from './routing-policy';
export * from './routing-outcome';
