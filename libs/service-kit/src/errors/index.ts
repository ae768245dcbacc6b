export * from './validation.pipe';
export * from './http-error.filter';
export * from './problem-details';
