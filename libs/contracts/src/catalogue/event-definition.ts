import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

/** A JSON Schema (draft 2020-12 subset understood by ajv). */
export type JsonSchema = Record<string, unknown>;

/** A schema with its literal type (written `as const`, or inline in `defineEvent`): what `FromSchema` reads. */
export type SchemaLiteral = Exclude<JSONSchema, boolean>;

/** The `properties` of an object schema literal. */
export type SchemaProperties = Readonly<Record<string, SchemaLiteral>>;

/** The TypeScript type of the values a schema literal accepts. */
export type SchemaType<Schema extends SchemaLiteral> = FromSchema<Schema>;

/**
 * The schema builder of an aggregate's event data: closed objects (additionalProperties: false) that start
 * with the aggregate's own properties, `baseRequired` of them required, then the event's own.
 */
export function dataSchemaWith<const Base extends SchemaProperties, const BaseRequired extends readonly (keyof Base & string)[]>(base: Base, baseRequired: BaseRequired) {
  return <const Properties extends SchemaProperties, const Required extends readonly (keyof Properties & string)[] = []>(properties: Properties, required?: Required) =>
    ({ type: 'object', required: [...baseRequired, ...(required ?? [])], additionalProperties: false, properties: { ...base, ...properties } }) as const;
}

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

type DefinitionOf<Type extends string, Schema extends SchemaLiteral> = Omit<EventDefinition<Type>, '__data' | 'schema'> & { schema: Schema };

// the data type is a defaulted parameter, not written into the return type: where a call sits in a typed
// context (an EventDefinition[]), inferring back through FromSchema would go too deep
/** An event definition: its data type is derived from the schema, so the shape is written once. */
export function defineEvent<const Type extends string, const Schema extends SchemaLiteral, Data = SchemaType<Schema>>(
  definition: DefinitionOf<Type, Schema>,
): EventDefinition<Type, Data> {
  return definition;
}

/** `Data` with the fields of `Narrow` in place of its own. */
export type Narrowed<Data, Narrow> = { [K in keyof (Omit<Data, keyof Narrow> & Narrow)]: (Omit<Data, keyof Narrow> & Narrow)[K] };

/**
 * An event whose producers write narrower data than its published schema says (a published schema never
 * changes): the derived type with the fields of `Narrow` in place, each of which must still fit the schema.
 */
export function defineNarrowedEvent<Narrow>() {
  return <const Type extends string, const Schema extends SchemaLiteral, Data = SchemaType<Schema>>(
    definition: DefinitionOf<Type, Schema> & FitsSchema<Narrow, Data>,
  ): EventDefinition<Type, Narrowed<Data, Narrow>> => definition;
}

// a narrowing the schema does not accept is refused where the event is defined
type FitsSchema<Narrow, Data> = Narrowed<Data, Narrow> extends Data ? unknown : { narrowingOutsideTheSchema: never };

/** The domain event type a definition describes. */
export type EventOf<D> = D extends EventDefinition<infer Type, infer Data> ? { type: Type; data: Data } : never;
