import { pointerSegments } from '../reading/json-pointer';
import { JsonSchema } from './event-definition';

/**
 * A personal value as it travels (libs/personal-data seals it): `sealed:v2:<subject id>:` and base64url
 * ciphertext, or `sealed:v1:` and ciphertext for intake's first values. The clear value's own rules
 * (length, format) were checked where it was decided; the ciphertext is longer than the clear value.
 */
export const SEALED_VALUE_SCHEMA = {
  type: 'string',
  pattern: '^sealed:(v1|v2:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}):[A-Za-z0-9_-]{38,}$',
  description: "a personal value sealed with its subject's data key (AES-256-GCM); reads `[erased]` once the key is destroyed",
} as const;

/**
 * An event's schema as its data is stored and published: each personal field (the definition's
 * `personalData` pointers) holds its clear value as the schema says, or that value sealed. The schema as
 * written stays what the catalogue lock compares.
 */
export function wireSchema(definition: { schema: JsonSchema; personalData?: readonly string[] }): JsonSchema {
  return (definition.personalData ?? []).reduce((schema, pointer) => sealableAt(schema, pointerSegments(pointer), pointer), definition.schema);
}

function sealableAt(schema: JsonSchema, segments: string[], pointer: string): JsonSchema {
  const [field, ...rest] = segments;
  if (field === undefined) return { anyOf: [schema, SEALED_VALUE_SCHEMA] };
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  if (!properties?.[field]) throw new Error(`personal data pointer ${pointer} names no property of the schema (${field})`);
  return { ...schema, properties: { ...properties, [field]: sealableAt(properties[field], rest, pointer) } };
}
