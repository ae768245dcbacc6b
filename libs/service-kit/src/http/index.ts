export * from './command-results';
