export * from './command-results';
export * from './concurrency.decorators';
export * from './concurrency.interceptor';
export * from './request-params';
export * from './correlation-id.middleware';
export * from './idempotency-key.decorators';
export * from './idempotency-key.interceptor';
export * from './operators-port';
