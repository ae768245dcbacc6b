export * from './rate-limit.module';
export * from './security-headers.middleware';
export * from './write-throttler.guard';
