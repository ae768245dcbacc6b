export * from './config.error';
export * from './load-config';
export * from './service-env';
export * from './service-config';
export { HOST_PORT, IsRequired, toInteger, toList } from './env-rules';
