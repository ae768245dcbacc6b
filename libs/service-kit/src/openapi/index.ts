export * from './setup-openapi';
export * from './complete-operations';
