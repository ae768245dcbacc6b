export * from './sql-names';
export * from './hash-chain';
export * from './event-store';
export * from './event-store.migration';
export * from './idempotency';
export * from './service-data-source';
export * from './audit-trail';
export * from './sql-migration';
