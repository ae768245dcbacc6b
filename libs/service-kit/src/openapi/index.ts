export * from './setup-openapi';
