import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';

// API.md "concurrency": every versioned resource answers a strong `ETag: "<version>"`, a command takes it
// back in If-Match, a stale one changes nothing, and a route documented as needing If-Match answers 428
// without it. The decorators below are the one place a route says so: the interceptor acts on them,
// OpenAPI shows them, and the concurrency contract test walks them.

/** Metadata key of {@link VersionedRead}: how to find the version in the answer. */
export const VERSIONED_READ_KEY = 'support:versioned-read';
/** Metadata key of {@link RequiresIfMatch} / {@link AcceptsIfMatch}: an {@link IfMatchRule}. */
export const IF_MATCH_KEY = 'support:if-match';

/** A stale If-Match answers 412 Precondition Failed (RFC 9110; v1 began with 409, API.md). */
export const STALE_IF_MATCH_STATUS = 412;

/** Picks the resource's version out of a route's answer. */
export type VersionOf = (body: unknown) => unknown;

/** What a command route does with If-Match. */
export interface IfMatchRule {
  /** without If-Match it answers 428 Precondition Required */
  required: boolean;
  /** what it answers to a stale If-Match (nothing changed) */
  staleStatus: number;
}

/** the `version` of an answer, the kit's default */
export const versionField: VersionOf = (body) => (typeof body === 'object' && body !== null ? (body as { version?: unknown }).version : undefined);

/**
 * A GET of a versioned resource: answers `ETag: "<version>"` (strong), the version being the body's
 * `version` unless `versionOf` picks it elsewhere. A command on the resource takes it back in If-Match.
 */
export const VersionedRead = (versionOf: VersionOf = versionField) => SetMetadata(VERSIONED_READ_KEY, versionOf);

/** A command that answers 428 without If-Match (a stale one: 412, nothing changed); OpenAPI lists the header as required. */
export const RequiresIfMatch = () => ifMatch({ required: true, staleStatus: STALE_IF_MATCH_STATUS });

/** A command that honours If-Match when sent (a stale one: 412, nothing changed), and runs on the current version without it. */
export const AcceptsIfMatch = () => ifMatch({ required: false, staleStatus: STALE_IF_MATCH_STATUS });

function ifMatch(rule: IfMatchRule) {
  const without = rule.required ? 'required: without it the answer is 428' : 'optional: without it the command applies to the current version';
  return applyDecorators(
    SetMetadata(IF_MATCH_KEY, rule),
    ApiHeader({
      name: 'If-Match',
      required: rule.required,
      description: `the ETag of the resource as last read, e.g. "3" (${without}); a stale one changes nothing and answers ${rule.staleStatus}. The answer's ETag is the new version`,
    }),
  );
}
