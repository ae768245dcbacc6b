export * from './dead-letters.module';
