/**
 * How long a stored answer to an Idempotency-Key is replayed (API.md, "retries": default 24 h);
 * `IDEMPOTENCY_KEY_TTL_SECONDS` changes it. After that the key is new again.
 */
export const DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS = 24 * 3600;
