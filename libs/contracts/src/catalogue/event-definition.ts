/** A JSON Schema (draft 2020-12 subset understood by ajv). */
export type JsonSchema = Record<string, unknown>;

/**
 * One event type and version of the public catalogue: the TypeScript type is `Data`,
 * the JSON Schema is what producers and consumers validate against, the topic is where it goes.
 */
export interface EventDefinition<Type extends string = string, Data = unknown> {
  type: Type;
  topic: string;
  /** aggregate family, e.g. `ticket`; the Kafka key is that aggregate's id */
  aggregate: string;
  description: string;
  schema: JsonSchema;
  /**
   * JSON pointers into `data` that hold personal data: masked for analysts, sealed (encrypted) where
   * a service stores them for erasure. How a value is masked follows the pointer's last field name
   * (`phone`, `wechat`, `name`; anything else is hidden whole).
   */
  personalData?: string[];
  /** JSON pointers into `data` that hold a price or its negotiation: contractors never see them */
  priceData?: string[];
  /** phantom field, never set: carries the data type for `EventOf` */
  readonly __data?: Data;
}

export function defineEvent<Type extends string, Data>(definition: Omit<EventDefinition<Type, Data>, '__data'>): EventDefinition<Type, Data> {
  return definition;
}

/** The domain event type a definition describes. */
export type EventOf<D> = D extends EventDefinition<infer Type, infer Data> ? { type: Type; data: Data } : never;
