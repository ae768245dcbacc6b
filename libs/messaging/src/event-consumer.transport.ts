import { INestMicroservice, Provider, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import { DataSource, EntityManager } from 'typeorm';
import { EventCatalogue } from '@support/contracts';
import { ConsumedEvent } from './cloud-event.codec';
import { consumerGroupId } from './consumer-inbox';
import { EventConsumerOptions, Position } from './consumer-options';
import { EventConsumer, startConsumers } from './event-consumer';
import { EVENT_SCHEMA, EventContext, EventGroupOptions, eventHandlersModule } from './event-handlers';
import { MessagingClient } from './kafka-client';

export interface EventTransportSettings {
  /** the service's schema: its inbox, and the prefix of its groups (`<schema>.<group>`) */
  schema: string;
  kafka: MessagingClient;
  dataSource: DataSource;
  catalogue: EventCatalogue;
  onError?: (error: unknown, event: Position) => void;
  /** where a new group starts: the topics' beginning (default) or their end */
  fromBeginning?: boolean;
  /** join the groups in the background (a service's main: HTTP first) rather than wait for them */
  inBackground?: boolean;
}

type Handler = MessageHandler & { next?: Handler };

/**
 * A Nest transport over {@link EventConsumer}: every `@EventPattern(types, { group, ... })` handler of the
 * app joins its group's consumer, which keeps all it does (inbox, retries, dead letters, batches, rebuild,
 * lag). Each event reaches its group's handler for its type with an {@link EventContext}.
 */
export class EventConsumerTransport extends Server implements CustomTransportStrategy {
  private readonly groups: EventConsumer[] = [];

  constructor(private readonly settings: EventTransportSettings) {
    super();
  }

  get schema(): string {
    return this.settings.schema;
  }

  /** the consumer groups, once listening: dead letters, readiness, lag and rebuilds go through them */
  get consumers(): readonly EventConsumer[] {
    return this.groups;
  }

  /** the consumer of a group, by its name within the service */
  consumer(group: string): EventConsumer {
    const found = this.groups.find((consumer) => consumer.groupId === this.groupId(group));
    if (!found) throw new Error(`no consumer group ${group} among ${this.groups.map((c) => c.groupId).join(', ')}`);
    return found;
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      this.groups.push(...this.consumersOf(this.handlersByGroup()));
      await startConsumers(this.groups, { inBackground: this.settings.inBackground });
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.groups.map((consumer) => consumer.stop()));
  }

  on(): never {
    throw new Error('the event consumer transport has no events to listen to');
  }

  unwrap<T>(): T {
    return this.groups as T;
  }

  private groupId(group: string): string {
    return consumerGroupId(this.settings.schema, group);
  }

  /**
   * Each group's handlers by event type. Nest chains the handlers of one pattern (`next`), and calling
   * the first calls the rest: the chain is cut, since each group calls only its own.
   */
  private handlersByGroup(): Map<string, { options: EventGroupOptions; byType: Map<string, Handler> }> {
    const groups = new Map<string, { options: EventGroupOptions; byType: Map<string, Handler> }>();
    const chained: Handler[] = [];
    for (const [type, first] of this.getHandlers() as Map<string, Handler>) {
      for (let handler: Handler | undefined = first; handler; handler = handler.next) {
        chained.push(handler);
        const options = handler.extras as EventGroupOptions | undefined;
        if (!handler.isEventHandler || !options?.group) throw new Error(`the handler of ${type} needs @EventPattern(types, { group })`);
        if (!this.settings.catalogue.has(type)) throw new Error(`${type} (group ${options.group}) is not in the event catalogue`);
        const entry = groups.get(options.group) ?? { options, byType: new Map<string, Handler>() };
        if (entry.byType.has(type)) throw new Error(`group ${options.group} has two handlers of ${type}`);
        // a batch handler gets every type of its group: the group is that one method
        if ((entry.options.batchSize ?? options.batchSize) !== undefined && entry.options !== options) throw new Error(`group ${options.group} handles batches: one method only`);
        entry.byType.set(type, handler);
        groups.set(options.group, entry);
      }
    }
    for (const handler of chained) handler.next = undefined;
    return groups;
  }

  private consumersOf(groups: Map<string, { options: EventGroupOptions; byType: Map<string, Handler> }>): EventConsumer[] {
    return [...groups].map(([group, { options, byType }]) => {
      const types = [...byType.keys()];
      const base = {
        schema: this.settings.schema,
        groupId: this.groupId(group),
        topics: [...new Set(types.map((type) => this.settings.catalogue.definition(type).topic))],
        kafka: this.settings.kafka,
        dataSource: this.settings.dataSource,
        catalogue: this.settings.catalogue,
        types,
        onError: this.settings.onError,
        fromBeginning: this.settings.fromBeginning,
        retries: options.retries,
        backoffMs: options.backoffMs,
        maxBackoffMs: options.maxBackoffMs,
      };
      const consumer: EventConsumerOptions =
        options.batchSize !== undefined
          ? {
              ...base,
              batchSize: options.batchSize,
              partitionsConcurrently: options.partitionsConcurrently,
              handleBatch: (events, manager) => invoke(byType.get(types[0])!, events, manager),
            }
          : { ...base, handle: (event, manager) => invoke(byType.get(event.type)!, event, manager) };
      return new EventConsumer(consumer);
    });
  }
}

/** runs a Nest event handler and waits for it: its failure (or its observable's) is the consumer's */
async function invoke(handler: Handler, payload: ConsumedEvent | ConsumedEvent[], manager: EntityManager): Promise<void> {
  const result = await handler(payload, new EventContext(manager));
  if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
}

/**
 * Starts a service's event handlers (classes with `@EventHandlers()`) on the transport, as a Nest
 * microservice of their own built with `providers` (and the schema as {@link EVENT_SCHEMA}); close it to
 * stop the consumers.
 */
export async function startEventHandlers(transport: EventConsumerTransport, handlers: Type<unknown>[], providers: Provider[]): Promise<INestMicroservice> {
  const microservice = await NestFactory.createMicroservice(eventHandlersModule(handlers, [{ provide: EVENT_SCHEMA, useValue: transport.schema }, ...providers]), {
    strategy: transport,
    logger: false,
    abortOnError: false,
  });
  await microservice.listen();
  return microservice;
}
