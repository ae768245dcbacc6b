export * from './http-metrics';
export * from './metrics.controller';
export * from './metrics.module';
export * from './metrics.registry';
export * from './once-per-scrape';
