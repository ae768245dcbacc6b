import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clientSource, generatedClientPath, serviceDocument } from '../api-client/api-client-generation';
import { documentGaps, OpenApiDocument } from './openapi-completeness';
import { SERVICES } from './services';

const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
const errors = { 401: { content: problem }, 500: { content: problem }, 503: { content: problem } };
const whole = (): OpenApiDocument => ({
  paths: {
    '/v1/things/{id}': {
      get: {
        operationId: 'ThingController_get',
        summary: 'get',
        responses: { 200: { content: { 'application/json': { schema: { $ref: '#/components/schemas/ThingDto' } } } }, ...errors },
      },
    },
  },
  components: { schemas: { Problem: { type: 'object' }, ThingDto: { type: 'object', properties: { id: { type: 'string', example: 't-1' } } } } },
});

describe('documentGaps', () => {
  it('finds none in a whole document', () => {
    expect(documentGaps(whole())).toEqual([]);
  });

  it('names a success without a schema, one without an example, and a $ref that does not resolve', () => {
    const untyped = whole();
    untyped.paths['/v1/things/{id}'].get.responses['200'] = { content: { 'application/json': { schema: { type: 'object' } } } };
    expect(documentGaps(untyped)).toEqual(['GET /v1/things/{id}: success 200: application/json without a schema of properties or a $ref']);

    const unexampled = whole();
    unexampled.components!.schemas!.ThingDto = { type: 'object', properties: { id: { type: 'string' } } };
    expect(documentGaps(unexampled)).toEqual(['GET /v1/things/{id}: success 200: application/json without an example']);

    const dangling = whole();
    delete dangling.components!.schemas!.ThingDto;
    expect(documentGaps(dangling)).toEqual(['$ref #/components/schemas/ThingDto does not resolve', 'GET /v1/things/{id}: success 200: application/json without an example']);
  });

  it('names a request body without an example, and an error without the Problem schema', () => {
    const document = whole();
    const operation = document.paths['/v1/things/{id}'].get;
    operation.requestBody = { content: { 'application/json': { schema: { type: 'object', properties: { note: { type: 'string' } } } } } };
    operation.responses['500'] = {};
    expect(documentGaps(document)).toEqual(['GET /v1/things/{id}: request body: application/json without an example', 'GET /v1/things/{id}: 500 without the Problem schema']);
  });
});

// the documents as the services serve them, built from their controllers alone: the e2e checks the served ones too
describe.each(SERVICES.map((definition) => [definition.serviceName, definition] as const))('the OpenAPI document of %s', (name, definition) => {
  it('is whole: every operation with its success schema and example, its errors, its ids', async () => {
    expect(documentGaps((await serviceDocument(definition)) as unknown as OpenApiDocument)).toEqual([]);
  });

  // regenerate with npm run api:client when this fails
  it('is the one the committed client (libs/api-client) was generated from', async () => {
    expect(clientSource(await serviceDocument(definition))).toEqual(readFileSync(join(__dirname, '..', '..', generatedClientPath(name)), 'utf8'));
  }, 60_000);
});
