export * from './command-results';
export * from './request-params';
