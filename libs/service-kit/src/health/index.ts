export * from './health.controller';
export * from './health.module';
export * from './postgres.probe';
export * from './readiness-probe';
