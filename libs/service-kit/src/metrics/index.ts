export * from './http-metrics.middleware';
export * from './metrics.controller';
export * from './metrics.module';
export * from './metrics.registry';
