// With OPS_PORT (required in production), /metrics and /docs are for operators: they answer on that port only,
// which is not published, and that port serves nothing of the API.
import { listenForOperators } from '../src';
import { sampleConfig, serveSample, ServedSample } from './support/serve-sample';

describe("the operators' port", () => {
  let sample: ServedSample;
  let operators: string;

  beforeAll(async () => {
    // a free port the OS picks: the middleware only needs to know there is one
    sample = await serveSample(sampleConfig({ auth: { jwtSecret: 'x'.repeat(32) }, opsPort: 1 }));
    const server = await listenForOperators(sample.app, 0, '127.0.0.1');
    operators = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => sample.app.close());

  it.each(['/metrics', '/docs', '/docs/', '/docs/openapi.json'])('answers %s only there', async (path) => {
    expect((await fetch(`${sample.url}${path}`)).status).toBe(404);
    expect((await fetch(`${operators}${path}`)).status).toBe(200);
  });

  it('answers health on both ports', async () => {
    expect((await fetch(`${sample.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${operators}/health/live`)).status).toBe(200);
  });

  it('serves nothing of the API there', async () => {
    const onPublic = await sample.call('/v1/things/ping');
    expect(onPublic.status).toBe(200);
    expect((await fetch(`${operators}/v1/things/ping`)).status).toBe(404);
  });
});

describe('without an operators port (development)', () => {
  it('answers /metrics and /docs on the public port', async () => {
    const sample = await serveSample(sampleConfig({ auth: { jwtSecret: 'x'.repeat(32) } }));
    try {
      expect((await fetch(`${sample.url}/metrics`)).status).toBe(200);
      expect((await fetch(`${sample.url}/docs/openapi.json`)).status).toBe(200);
    } finally {
      await sample.app.close();
    }
  });
});
