import Fastify, { FastifyInstance } from 'fastify';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { problemOf } from '../errors/problem-details';
import { bodyErrorAnswer, bytesOf, parseJsonBodies } from './json-body';

// the bodies a service reads, as they were read before fastify (Express' JSON parser, strict)
describe('JSON bodies', () => {
  let fastify: FastifyInstance;

  beforeAll(async () => {
    fastify = Fastify();
    parseJsonBodies(fastify, 100);
    fastify.setErrorHandler((error, _request, reply) => {
      const problem = problemOf(bodyErrorAnswer(error, 100) ?? error);
      return reply.status(problem.status).send(problem);
    });
    fastify.post('/echo', async (request) => ({ body: request.body ?? 'none' }));
    await fastify.ready();
  });
  afterAll(() => fastify.close());

  const post = (payload: string | Buffer, contentType?: string, encoding?: string) =>
    fastify.inject({ method: 'POST', url: '/echo', payload, headers: { ...(contentType && { 'content-type': contentType }), ...(encoding && { 'content-encoding': encoding }) } });

  it('parses objects and arrays, an empty body as {}', async () => {
    expect((await post('{"a":1}', 'application/json')).json()).toEqual({ body: { a: 1 } });
    expect((await post('[1]', 'application/json; charset=utf-8')).json()).toEqual({ body: [1] });
    expect((await post('', 'application/json')).json()).toEqual({ body: {} });
  });

  it('answers 400 to what is not a JSON object or array', async () => {
    for (const payload of ['{"a":', '"text"', '42', '   ']) {
      const res = await post(payload, 'application/json');
      expect([payload, res.statusCode]).toEqual([payload, 400]);
      expect(res.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', message: ['body must be valid JSON'] });
    }
  });

  it('answers 415 to a charset other than UTF', async () => {
    const res = await post('{}', 'application/json; charset=latin1');
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type', message: 'unsupported charset "LATIN1"' });
  });

  it('answers 413 above the limit, naming it', async () => {
    const res = await post(JSON.stringify({ a: 'x'.repeat(100) }), 'application/json');
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ statusCode: 413, error: 'Payload Too Large', message: 'body must not exceed 100 bytes' });
  });

  it('decodes gzip, deflate and br bodies, the limit counting what they decode to', async () => {
    for (const [encoding, encode] of [
      ['gzip', gzipSync],
      ['deflate', deflateSync],
      ['br', brotliCompressSync],
    ] as const) {
      expect((await post(encode('{"a":1}'), 'application/json', encoding)).json()).toEqual({ body: { a: 1 } });
      expect((await post(encode(JSON.stringify({ a: 'x'.repeat(200) })), 'application/json', encoding)).statusCode).toBe(413);
    }
    expect((await post('{"a":1}', 'application/json', 'gzip')).json()).toMatchObject({ statusCode: 400, error: 'Bad Request', message: 'incorrect header check' });
    expect((await post('{"a":1}', 'application/json', 'zstd')).json()).toMatchObject({
      statusCode: 415,
      error: 'Unsupported Media Type',
      message: 'unsupported content encoding "zstd"',
    });
  });

  it('leaves other bodies unread', async () => {
    expect((await post('hello', 'text/plain')).json()).toEqual({ body: 'none' });
    expect((await post('a=1', 'application/x-www-form-urlencoded')).json()).toEqual({ body: 'none' });
    expect((await post('x'.repeat(1000), 'application/octet-stream')).statusCode).toBe(200);
  });

  it('reads limits in bytes or with a unit', () => {
    expect([bytesOf(10), bytesOf('64kb'), bytesOf('1mb'), bytesOf('512KB')]).toEqual([10, 65536, 1048576, 524288]);
    expect(() => bytesOf('lots')).toThrow('body limit');
  });
});
