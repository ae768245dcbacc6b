import { OpenAPIObject } from '@nestjs/swagger';
import { completeOperations, RouteFacts } from './complete-operations';

type Answers = Record<string, { headers?: Record<string, unknown> }>;
const headersOf = (responses: unknown, status: string) => Object.keys((responses as Answers)[status].headers!);

const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };

function documentWith(paths: OpenAPIObject['paths']): OpenAPIObject {
  return { openapi: '3.0.0', info: { title: 't', version: '1' }, paths, components: { schemas: { Kept: { type: 'object' } } } };
}

describe('completeOperations', () => {
  const command: RouteFacts = { method: 'post', isPublic: false, ifMatch: { required: true, staleStatus: 412 }, versionedRead: false, creates: false, successStatus: 200 };

  it('documents a command: its success with ETag and Idempotent-Replayed, every error the kit can answer as a Problem', () => {
    const document = documentWith({
      '/v1/things/{id}/close': { post: { operationId: 'ThingController_closeForGood', requestBody: { content: {} }, responses: { 403: { description: 'allowed roles: lead' } } } },
    });
    completeOperations(document, () => command);
    const operation = document.paths['/v1/things/{id}/close'].post!;
    expect(operation.summary).toBe('close for good');
    expect(Object.keys(operation.responses).sort()).toEqual(['200', '400', '401', '403', '404', '409', '412', '413', '415', '422', '428', '429', '500', '503']);
    expect(headersOf(operation.responses, '200')).toEqual(['ETag', 'Idempotent-Replayed']);
    expect(operation.responses['403']).toEqual({ description: 'allowed roles: lead', content: problem });
    expect(operation.responses['412']).toMatchObject({ content: problem });
    expect(headersOf(operation.responses, '429')).toEqual(['Retry-After']);
    expect(document.components!.schemas).toHaveProperty('Kept');
    expect(document.components!.schemas).toHaveProperty('Problem');
  });

  it('documents a public versioned read: 304, no 401, no token required, its query parameters and X-Correlation-Id optional (named once), a declared success kept', () => {
    const document = documentWith({
      '/v1/things/{id}': {
        get: {
          operationId: 'ThingController_get',
          parameters: [
            { in: 'path', name: 'id', required: true },
            { in: 'query', name: 'view', required: true },
            { in: 'header', name: 'X-Correlation-Id', required: false },
            { in: 'header', name: 'x-correlation-id', required: true },
          ],
          responses: { 200: { description: 'the thing' } },
        },
      },
    });
    completeOperations(document, () => ({ method: 'get', isPublic: true, versionedRead: true, creates: false }));
    const operation = document.paths['/v1/things/{id}'].get!;
    expect(Object.keys(operation.responses).sort()).toEqual(['200', '304', '400', '404', '500', '503']);
    expect(operation.responses['200']).toMatchObject({ description: 'the thing', headers: { ETag: expect.any(Object) } });
    expect(operation.security).toEqual([]);
    expect(operation.parameters).toEqual([
      { in: 'path', name: 'id', required: true },
      { in: 'query', name: 'view', required: false },
      { in: 'header', name: 'X-Correlation-Id', required: false },
    ]);
  });

  it('documents a creating POST as 201 with Location, and leaves operations without facts alone', () => {
    const document = documentWith({
      '/v1/things': { post: { operationId: 'ThingController_open', responses: {} } },
      '/docs': { get: { operationId: 'unknown', responses: {} } },
    });
    completeOperations(document, (id) => (id === 'ThingController_open' ? { method: 'post', isPublic: false, versionedRead: false, creates: true } : undefined));
    expect(headersOf(document.paths['/v1/things'].post!.responses, '201')).toEqual(['ETag', 'Location', 'Idempotent-Replayed']);
    expect(document.paths['/docs'].get!.responses).toEqual({});
  });

  it('moves the body `@ApiAnswer` declared (under default) to the status the route answers with', () => {
    const body = { 'application/json': { schema: { $ref: '#/components/schemas/ThingDto' } } };
    const document = documentWith({
      '/v1/things/{id}/close': { post: { operationId: 'ThingController_close', responses: { default: { description: 'the thing', content: body } } } },
    });
    completeOperations(document, () => command);
    const responses = document.paths['/v1/things/{id}/close'].post!.responses;
    expect(responses).not.toHaveProperty('default');
    expect(responses['200']).toMatchObject({ description: 'the thing', content: body });
  });
});
