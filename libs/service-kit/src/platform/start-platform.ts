import { DynamicModule, INestMicroservice, InjectionToken, Module, Type } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AnswersOnDataSource, IdempotencyStore } from '@support/command-handling';
import { EventConsumer, EventConsumerTransport, MessagingClient } from '@support/messaging';
import { PLATFORM_TOKENS, SupportPlatformModule } from './support-platform.module';
import { MESSAGING_CLIENT, SupportPlatformOptions } from './platform.tokens';

/** A service started on {@link SupportPlatformModule}: its Nest context, and what every runtime offers. */
export interface PlatformRuntime {
  /** the Nest context everything runs in (its transport is the consumers): `context.get(...)` finds any provider */
  context: INestMicroservice;
  /** what the service's HTTP app may inject: the platform's tokens and what the service module exports */
  provided: readonly InjectionToken[];
  dataSource: DataSource;
  kafka: MessagingClient;
  /** its consumer groups, whose parked events `/v1/dead-letters` shows and replays */
  deadLetters: readonly EventConsumer[];
  /** first answers by Idempotency-Key, which every other POST of the service honours through the kit */
  idempotentAnswers: AnswersOnDataSource;
  /** stops the consumers, then the service's own work and the relay, then closes the database */
  close(): Promise<void>;
}

@Module({})
class PlatformRootModule {}

/**
 * Builds and starts a service: the platform (database migrated first, topics ensured, relay started on
 * bootstrap), the service's module (its providers, and its `@EventHandlers()` classes as controllers), then
 * the consumers, which are the context's transport: waited for, or joining in the background when the
 * settings say so (a service's main: HTTP first).
 */
export async function startPlatform(serviceModule: Type<unknown> | DynamicModule, options: SupportPlatformOptions): Promise<PlatformRuntime> {
  const root: DynamicModule = { module: PlatformRootModule, imports: [SupportPlatformModule.forRoot(options), serviceModule] };
  const context = await NestFactory.createMicroservice(root, {
    inject: [EventConsumerTransport],
    useFactory: (transport: EventConsumerTransport) => ({ strategy: transport }),
    logger: false,
    abortOnError: false,
  });
  try {
    await context.listen();
  } catch (error) {
    await context.close();
    throw error;
  }
  const dataSource = context.get(DataSource);
  return {
    context,
    provided: [...PLATFORM_TOKENS, ...exportsOf(serviceModule)],
    dataSource,
    kafka: context.get<MessagingClient>(MESSAGING_CLIENT),
    deadLetters: context.get(EventConsumerTransport).consumers,
    idempotentAnswers: context.get(IdempotencyStore).answersOn(dataSource),
    close: () => context.close(),
  };
}

function exportsOf(module: Type<unknown> | DynamicModule): InjectionToken[] {
  const type = 'module' in module ? module.module : module;
  const declared = (Reflect.getMetadata(MODULE_METADATA.EXPORTS, type) ?? []) as InjectionToken[];
  return [...declared, ...(('exports' in module ? module.exports : []) as InjectionToken[])];
}

@Module({})
class RuntimeProvidersModule {}

/**
 * The HTTP app's view of a started runtime: each token it provides, read from the runtime's context when
 * first injected (so a stand-in runtime is enough to build the module and read its routes).
 */
export function runtimeProvidersModule(runtime: Partial<Pick<PlatformRuntime, 'context' | 'provided'>>): DynamicModule {
  const tokens = runtime.provided ?? [];
  return {
    module: RuntimeProvidersModule,
    providers: tokens.map((token) => ({ provide: token, useFactory: () => runtime.context!.get(token, { strict: false }) })),
    exports: [...tokens],
  };
}
