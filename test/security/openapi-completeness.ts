// issue 23: a client generated from a service's document needs every operation whole: its id and summary, its
// success with a schema and an example, every error status as a Problem, query parameters optional, and every
// $ref pointing at a schema the document has. documentGaps names each gap; the route-roles e2e runs it on every
// running service's /docs/openapi.json.

type Schema = { $ref?: string; properties?: Record<string, Schema>; items?: Schema; example?: unknown; allOf?: Schema[]; oneOf?: Schema[]; anyOf?: Schema[] } & Record<
  string,
  unknown
>;
type Content = Record<string, { schema?: Schema; example?: unknown; examples?: unknown }>;
type Response = { content?: Content; headers?: Record<string, unknown> };
type Operation = {
  operationId?: string;
  summary?: string;
  security?: unknown[];
  responses: Record<string, Response>;
  parameters?: Array<{ in: string; name: string; required?: boolean }>;
  requestBody?: { content?: Content };
};

/** The part of an OpenAPI 3 document the checks read. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

const REF_PREFIX = '#/components/schemas/';
// no body: 204 No Content, 304 Not Modified
const BODYLESS = ['204', '304'];

/** Every gap of every operation, as `METHOD /path: what is missing`; empty when the document is whole. */
export function documentGaps(document: OpenApiDocument): string[] {
  const schemas = document.components?.schemas ?? {};
  const gaps = [...unresolvedRefs(document, schemas)];
  if (!schemas.Problem) gaps.push('components: no Problem schema');
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) gaps.push(...operationGaps(`${method.toUpperCase()} ${path}`, method, operation, schemas));
  }
  return gaps;
}

function operationGaps(name: string, method: string, operation: Operation, schemas: Record<string, Schema>): string[] {
  const gaps: string[] = [];
  const statuses = Object.keys(operation.responses);
  if (!operation.operationId || !operation.summary) gaps.push(`${name}: no operation id or summary`);
  const success = statuses.find((status) => /^2\d\d$/.test(status));
  if (!success) gaps.push(`${name}: no success response`);
  else if (!BODYLESS.includes(success)) gaps.push(...contentGaps(`${name}: success ${success}`, operation.responses[success].content, schemas));
  // an empty body (`{}`, a command without input) is its own example
  if (operation.requestBody && !isEmptyObject(operation.requestBody.content, schemas)) gaps.push(...contentGaps(`${name}: request body`, operation.requestBody.content, schemas));
  const errors = statuses.filter((status) => Number(status) >= 400);
  for (const status of ['500', '503', ...(operation.security?.length === 0 ? [] : ['401'])]) if (!errors.includes(status)) gaps.push(`${name}: no ${status}`);
  for (const status of errors) {
    if (operation.responses[status].content?.['application/problem+json']?.schema?.$ref !== `${REF_PREFIX}Problem`) gaps.push(`${name}: ${status} without the Problem schema`);
  }
  if (method === 'post' && success && !operation.responses[success].headers?.['Idempotent-Replayed']) gaps.push(`${name}: Idempotent-Replayed undocumented`);
  for (const parameter of operation.parameters ?? []) {
    const optional = parameter.in === 'query' || (parameter.in === 'header' && ['x-correlation-id', 'idempotency-key'].includes(parameter.name.toLowerCase()));
    if (optional && parameter.required) gaps.push(`${name}: ${parameter.in} ${parameter.name} marked required`);
  }
  return gaps;
}

// a body needs a media type with a schema that says something (properties, items, a $ref, or a type for text), and an example
function contentGaps(what: string, content: Content | undefined, schemas: Record<string, Schema>): string[] {
  const media = Object.entries(content ?? {});
  if (media.length === 0) return [`${what}: no content`];
  return media.flatMap(([type, { schema, example, examples }]) => {
    const json = type.includes('json');
    const described = schema && (json ? schema.$ref || schema.properties || schema.items || schema.allOf || schema.oneOf : schema.type);
    if (!described) return [`${what}: ${type} without a schema${json ? ' of properties or a $ref' : ''}`];
    return example !== undefined || examples !== undefined || hasExample(schema, schemas, new Set()) ? [] : [`${what}: ${type} without an example`];
  });
}

function isEmptyObject(content: Content | undefined, schemas: Record<string, Schema>): boolean {
  const schema = content?.['application/json']?.schema;
  const target = schema?.$ref ? schemas[schema.$ref.slice(REF_PREFIX.length)] : schema;
  return target?.type === 'object' && Object.keys(target.properties ?? {}).length === 0;
}

function hasExample(schema: Schema, schemas: Record<string, Schema>, seen: Set<string>): boolean {
  if (schema.example !== undefined) return true;
  if (schema.$ref) {
    if (seen.has(schema.$ref)) return false;
    seen.add(schema.$ref);
    const target = schemas[schema.$ref.slice(REF_PREFIX.length)];
    return target !== undefined && hasExample(target, schemas, seen);
  }
  const nested = [...Object.values(schema.properties ?? {}), ...(schema.items ? [schema.items] : []), ...(schema.allOf ?? []), ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])];
  return nested.some((child) => hasExample(child, schemas, seen));
}

// every $ref anywhere in the document, and whether the schema it names is there
function unresolvedRefs(document: OpenApiDocument, schemas: Record<string, Schema>): string[] {
  const missing = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string' && !(value.startsWith(REF_PREFIX) && schemas[value.slice(REF_PREFIX.length)])) missing.add(value);
        else visit(value);
      }
    }
  };
  visit(document);
  return [...missing].map((ref) => `$ref ${ref} does not resolve`);
}
