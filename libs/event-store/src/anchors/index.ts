export * from './anchor-keys';
export * from './anchor-signing';
export * from './anchor-verification';
export * from './audit-report';
export * from './development-key-file';
