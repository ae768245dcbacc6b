export * from './create-service-app';
export * from './service-kit.module';
