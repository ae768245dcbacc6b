export * from './decider-specification';
export * from './test-infra';
export * from './test-schema';
export * from './manual-clock';
export * from './http-helpers';
export * from './publish-event';
export * from './test-roles';
export * from './test-kafka';
