import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata, Type } from '@nestjs/common';
import { ApiBadRequestResponse, ApiExtraModels, ApiOkResponse, ApiQuery, getSchemaPath } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { CURSOR_RULE, LIMIT_RULE, PAGE_LIMIT, RawPageQuery } from './pagination';

/** Metadata key of {@link PagedList}: the route answers a page; the pagination contract test walks them. */
export const PAGED_LIST_KEY = 'support:paged-list';

export interface PagedListOptions {
  /** what the items are and in which order, e.g. `tickets, newest first` */
  items: string;
  /** the class of one item (`@ApiProperty` on each field, with an example) */
  item: Type<unknown>;
  /** members the page carries beside `items` and `nextCursor` */
  also?: Record<string, SchemaObject>;
}

/**
 * A list route that answers `{ items, nextCursor }` a page at a time: marks it for the contract test and
 * documents `limit`, `cursor` and the page in OpenAPI. The handler reads them with {@link PageQuery}.
 */
export const PagedList = (options: PagedListOptions) =>
  applyDecorators(
    SetMetadata(PAGED_LIST_KEY, true),
    ApiExtraModels(options.item),
    ApiQuery({
      name: 'limit',
      required: false,
      schema: { type: 'integer', minimum: PAGE_LIMIT.min, maximum: PAGE_LIMIT.max, default: PAGE_LIMIT.default },
      description: `items per page (${PAGE_LIMIT.min}-${PAGE_LIMIT.max}, default ${PAGE_LIMIT.default})`,
    }),
    ApiQuery({ name: 'cursor', required: false, type: String, description: 'the nextCursor of the previous page; none for the first page' }),
    ApiOkResponse({
      description: `a page of ${options.items}; nextCursor is null on the last page`,
      schema: {
        type: 'object',
        required: ['items', 'nextCursor', ...Object.keys(options.also ?? {})],
        properties: {
          items: { type: 'array', items: { $ref: getSchemaPath(options.item) } },
          nextCursor: { type: 'string', nullable: true, description: 'opaque: pass it back as `cursor` for the next page', example: 'eyJpZCI6IjQyIn0' },
          ...options.also,
        },
      },
    }),
    ApiBadRequestResponse({ description: `a bad filter, or: ${LIMIT_RULE}; ${CURSOR_RULE}` }),
  );

/** The route's `limit` and `cursor` query parameters, unchecked: hand them to `pageRequest`. */
export const PageQuery = createParamDecorator((_data: unknown, context: ExecutionContext): RawPageQuery => {
  const query = (context.switchToHttp().getRequest<{ query?: Record<string, unknown> }>().query ?? {}) as Record<string, unknown>;
  return { limit: query.limit, cursor: query.cursor };
});
