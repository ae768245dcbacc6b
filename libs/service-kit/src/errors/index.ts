export * from './validation.pipe';
export * from './http-error.filter';
export * from './body-parser-error.middleware';
