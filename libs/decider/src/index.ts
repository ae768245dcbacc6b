export * from './decider';
export * from './value-checks';
