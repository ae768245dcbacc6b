import { Provider } from '@nestjs/common';
import { SERVICE_SCHEMA } from './platform.tokens';

/** Providers of classes built with the service's schema alone (repositories, read-model tables). */
export function schemaBound(...types: Array<new (schema: string) => unknown>): Provider[] {
  return types.map((type) => ({ provide: type, inject: [SERVICE_SCHEMA], useFactory: (schema: string) => new type(schema) }));
}
