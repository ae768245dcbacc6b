export * from './create-service-app';
export * from './service-kit.module';
export * from './run-service';
export * from './serve-on-free-port';
export * from './periodic-task';
export * from './scheduler-lease';
