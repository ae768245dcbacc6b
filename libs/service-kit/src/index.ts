export * from './auth';
export * from './bootstrap';
export * from './config';
export * from './errors';
export * from './health';
export * from './logging';
export * from './metrics';
export * from './openapi';
