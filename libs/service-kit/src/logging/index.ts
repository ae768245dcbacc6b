export * from './create-logger';
export * from './pino-logger.service';
export * from './request-logging';
export * from './request-context';
export * from './background-errors';
