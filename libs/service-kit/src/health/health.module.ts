import { DynamicModule, InjectionToken, Module, ModuleMetadata, OptionalFactoryDependency } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { READINESS_PROBES, ReadinessProbe } from './readiness-probe';

/** Probes given as they are. */
export interface HealthOptions {
  probes: ReadinessProbe[];
}

/** Probes built from providers, e.g. `inject: [DataSource], useFactory: (ds) => [postgresProbe(ds)]`. */
export interface HealthAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: (InjectionToken | OptionalFactoryDependency)[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as Nest types a factory's injected values
  useFactory: (...deps: any[]) => ReadinessProbe[] | Promise<ReadinessProbe[]>;
}

/** Health endpoints on @nestjs/terminus; readiness runs the {@link READINESS_PROBES}. */
@Module({})
export class HealthModule {
  static forRoot(options: HealthOptions = { probes: [] }): DynamicModule {
    return HealthModule.register([], { provide: READINESS_PROBES, useValue: options.probes });
  }

  static forRootAsync(options: HealthAsyncOptions): DynamicModule {
    return HealthModule.register(options.imports ?? [], {
      provide: READINESS_PROBES,
      inject: options.inject ?? [],
      useFactory: options.useFactory,
    });
  }

  private static register(imports: NonNullable<ModuleMetadata['imports']>, probes: NonNullable<ModuleMetadata['providers']>[number]): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), ...imports],
      controllers: [HealthController],
      providers: [probes],
      exports: [READINESS_PROBES],
    };
  }
}
