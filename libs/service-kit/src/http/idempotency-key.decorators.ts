import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';

// API.md "retries": every state-changing POST honours Idempotency-Key, the caller's own, for 24 h. The kit's
// IdempotencyKeyInterceptor does it for every POST; a route that creates something stores the key in the
// transaction that creates it instead (exactly once, even across a crash) and says so here.

/** Metadata key of {@link StoresIdempotencyKey}. */
export const STORES_IDEMPOTENCY_KEY = 'support:stores-idempotency-key';

/** What OpenAPI says of the header on every POST. */
export const IDEMPOTENCY_KEY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description:
    'your own key for this request (1-200 visible ASCII characters): the same key and body within 24 h answer the first result again (Idempotent-Replayed: true) and change nothing; the same key with another body is 422',
};

/** A POST whose handler stores its Idempotency-Key in its own transaction: the kit's interceptor leaves it alone. */
export const StoresIdempotencyKey = () => applyDecorators(SetMetadata(STORES_IDEMPOTENCY_KEY, true), ApiHeader(IDEMPOTENCY_KEY_HEADER));
