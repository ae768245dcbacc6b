import { applyDecorators, ArgumentsHost, Catch, Controller, DynamicModule, Module, Provider, RpcExceptionFilter, Type, UseFilters } from '@nestjs/common';
import { BaseRpcContext } from '@nestjs/microservices';
import { Observable, throwError } from 'rxjs';
import { EntityManager } from 'typeorm';
import { RetrySettings } from './consumer-options';
import { afterCommit } from './after-commit';

/**
 * The extras of an `@EventPattern(types, extras)` handler of {@link EventConsumerTransport}: the consumer
 * group it belongs to (one group may hold several handlers and types; their topics come from the event
 * catalogue) and how the group consumes.
 */
export interface EventGroupOptions extends RetrySettings {
  /** the group's name within the service; the transport prefixes the service's schema */
  group: string;
  /**
   * a partition's events in chunks of up to this many per transaction: the handler gets an array of
   * events (for read models that apply many events in a few statements)
   */
  batchSize?: number;
  /** with `batchSize`: partitions handled at once, each in its own transaction (disjoint rows only) */
  partitionsConcurrently?: number;
}

/**
 * What an event handler gets beside the event (`@Ctx()`): the transaction that also records the event in
 * the group's inbox, so the handler's writes commit with it or not at all.
 */
export class EventContext extends BaseRpcContext<[EntityManager]> {
  constructor(readonly manager: EntityManager) {
    super([manager]);
  }

  /** runs `callback` once the transaction has committed (never if it rolls back, e.g. before a retry) */
  afterCommit(callback: () => void): void {
    afterCommit(this.manager, callback);
  }
}

/** Injection token of the service's schema, which every event handler module provides. */
export const EVENT_SCHEMA = Symbol('EventSchema');

/** hands a handler's failure to the consumer as it was thrown, for its retries and dead letters */
@Catch()
export class EventFailurePassThrough implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}

/**
 * A class of event handlers (methods with `@EventPattern`): a Nest controller whose handlers' failures
 * reach the consumer as thrown. Nest's own filter would turn them into "Internal server error" and
 * lose what the retry policy needs (a transient failure, the reason a dead letter carries).
 */
export function EventHandlers(): ClassDecorator {
  return applyDecorators(Controller(), UseFilters(new EventFailurePassThrough()));
}

@Module({})
class EventHandlersModule {}

/** A module of event handler classes and what they are built with (the runtime's services, as values). */
export function eventHandlersModule(handlers: Type<unknown>[], providers: Provider[]): DynamicModule {
  return { module: EventHandlersModule, controllers: handlers, providers };
}
