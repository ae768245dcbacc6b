export * from './platform.tokens';
export * from './support-platform.module';
export * from './start-platform';
export * from './schema-bound';
