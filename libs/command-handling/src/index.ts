export * from './append-pipeline';
export * from './command-context';
export * from './command-handler';
export * from './decided-change';
export * from './group-commit';
export * from './idempotency';
export * from './idempotency.migration';
export * from './keyed-group-commit';
