import { Type } from '@nestjs/common';
import { ApiDefaultResponse } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/** Status key a route's success is declared under until {@link completeOperations} knows its real status. */
export const ANSWER_STATUS = 'default';

/**
 * What a route answers on success: the body's class (`@ApiProperty` on each field, with an example), or
 * `[Class]` for an array. Declared under `default` and moved to the status the route really answers with
 * (200, 201 for a creating POST, or its `@HttpCode`), so the status is said once, by the route.
 */
export const ApiAnswer = (type: Type<unknown> | [Type<unknown>], description = '') => ApiDefaultResponse({ type, description });

/** A success that is not JSON (a page, a text format, an event stream): its media type and an example body. */
export const ApiAnswerAs = (mediaType: string, description: string, example: string, schema: SchemaObject = { type: 'string' }) =>
  ApiDefaultResponse({ description, content: { [mediaType]: { schema: { ...schema, example } } } });
