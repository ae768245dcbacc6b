import { BadRequestException, HttpException, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import { FastifyInstance, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

// what fastify's errors while reading a body are called
const BODY_TOO_LARGE = 'FST_ERR_CTP_BODY_TOO_LARGE';
const LENGTH_MISMATCH = 'FST_ERR_CTP_INVALID_CONTENT_LENGTH';

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)/i;
const JSON_TYPE = /^application\/json\s*(;|$)/i;
// the encodings a JSON body may come in, as before
const DECODERS: Record<string, () => NodeJS.ReadWriteStream> = { gzip: createGunzip, deflate: createInflate, br: createBrotliDecompress };
// only objects and arrays at the top, as JSON bodies always were here (body-parser's strict mode)
const OBJECT_OR_ARRAY = /^[ \t\n\r]*[[{]/;

/**
 * Parses `application/json` bodies up to `limit` bytes (an empty one is `{}`; gzip, deflate or br
 * encoded ones decoded first), and only those: any other body is left unread and the handler sees none.
 * The kit's answers to bad bodies: 400 for what is not JSON, 415 for a charset other than UTF or an unknown
 * encoding, 413 above the limit ({@link bodyErrorAnswer}).
 */
export function parseJsonBodies(fastify: FastifyInstance, limit: number): void {
  fastify.addHook('preParsing', (request, _reply, payload, done) => {
    const encoding = request.headers['content-encoding']?.toLowerCase() ?? 'identity';
    if (encoding === 'identity' || !JSON_TYPE.test(request.headers['content-type'] ?? '')) return done(null, payload);
    if (!DECODERS[encoding]) return done(new UnsupportedMediaTypeException(`unsupported content encoding "${encoding}"`));
    done(null, decoded(payload, DECODERS[encoding]()));
  });
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: limit }, (request, body, done) => {
    try {
      done(null, parseJson(request, body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
}

function parseJson(request: FastifyRequest, body: string): unknown {
  const charset = CHARSET.exec(request.headers['content-type'] ?? '')?.[1].toLowerCase();
  if (charset !== undefined && !charset.startsWith('utf-')) throw new UnsupportedMediaTypeException(`unsupported charset "${charset.toUpperCase()}"`);
  if (body.length === 0) return {};
  if (!OBJECT_OR_ARRAY.test(body)) throw invalidJson();
  try {
    return JSON.parse(body);
  } catch {
    throw invalidJson();
  }
}

// fastify checks Content-Length against the bytes received, and the limit against the bytes decoded
function decoded(payload: Readable, decoder: NodeJS.ReadWriteStream): Readable {
  const stream = Object.assign(payload.pipe(decoder) as unknown as Readable, { receivedEncodedLength: 0 });
  payload.on('data', (chunk: Buffer) => (stream.receivedEncodedLength += chunk.length));
  return stream;
}

function invalidJson(): HttpException {
  return new BadRequestException(['body must be valid JSON']);
}

/** The kit's answer to an error fastify (or a decoder) raised while reading a body, or undefined for any other error. */
export function bodyErrorAnswer(error: unknown, limit: number): HttpException | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  // zlib's: a body that is not what its Content-Encoding says
  if (typeof code === 'string' && code.startsWith('Z_')) return new BadRequestException((error as Error).message);
  switch (code) {
    case BODY_TOO_LARGE:
      return new PayloadTooLargeException(`body must not exceed ${limit} bytes`);
    case LENGTH_MISMATCH:
      return new BadRequestException('request size did not match content length');
    default:
      return undefined;
  }
}

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** A body limit in bytes: a number, or a string such as `64kb` or `1mb` (units of 1024). */
export function bytesOf(limit: number | string): number {
  if (typeof limit === 'number') return limit;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(limit);
  if (!match) throw new Error(`body limit must be a number of bytes or e.g. "64kb", got "${limit}"`);
  return Math.floor(Number(match[1]) * UNITS[(match[2] ?? 'b').toLowerCase()]);
}
