export * from './rate-limit.module';
export * from './security-headers';
export * from './write-throttler.guard';
