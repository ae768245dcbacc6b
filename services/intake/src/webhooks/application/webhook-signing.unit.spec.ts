import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { isNonPublicAddress, literalHostProblem } from './webhook-address.policy';
import { generateSecret, secretBytes, secretText, signatureHeaders } from './webhook-signing';

describe('webhook signing', () => {
  const secret = Buffer.alloc(32, 7);
  const at = new Date('2026-12-07T08:00:00.900Z');
  const body = '{"type":"support.ticket.contacted.v1"}';

  it('signs "id.timestamp.body" with HMAC-SHA256 as Standard Webhooks says', () => {
    const headers = signatureHeaders(secret, 'evt-1', at, body);
    expect(headers['webhook-id']).toBe('evt-1');
    expect(headers['webhook-timestamp']).toBe('1796630400');
    // the documented algorithm, written out independently of the package
    const expected = createHmac('sha256', secret).update(`evt-1.1796630400.${body}`).digest('base64');
    expect(headers['webhook-signature']).toBe(`v1,${expected}`);
  });

  it("verifies with the package's verifier and the secret as a partner holds it (whsec_...), and fails on a changed body", () => {
    const now = new Date();
    const headers = signatureHeaders(secret, 'evt-2', now, body);
    const partner = new Webhook(secretText(secret));
    expect(partner.verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => partner.verify(body.replace('contacted', 'closed'), headers)).toThrow();
    expect(() => new Webhook(secretText(Buffer.alloc(32, 8))).verify(body, headers)).toThrow();
  });

  it('takes whsec_ secrets of 24-64 bytes and generates 32', () => {
    expect(secretBytes(secretText(Buffer.alloc(24, 1)))?.length).toBe(24);
    expect(secretBytes(secretText(Buffer.alloc(64, 1)))?.length).toBe(64);
    expect(secretBytes(secretText(Buffer.alloc(23, 1)))).toBeUndefined();
    expect(secretBytes(secretText(Buffer.alloc(65, 1)))).toBeUndefined();
    expect(secretBytes(Buffer.alloc(32, 1).toString('base64'))).toBeUndefined();
    expect(secretBytes('whsec_not base64!')).toBeUndefined();
    expect(generateSecret()).toHaveLength(32);
    expect(generateSecret().equals(generateSecret())).toBe(false);
  });
});

describe('webhook address policy', () => {
  it('tells loopback, private, link-local and mapped addresses from public ones', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.5',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
    ]) {
      expect([address, isNonPublicAddress(address)]).toEqual([address, true]);
    }
    for (const address of ['8.8.8.8', '203.0.113.9', '2001:4860:4860::8888']) expect([address, isNonPublicAddress(address)]).toEqual([address, false]);
  });

  it('refuses a URL naming such an address or localhost', () => {
    expect(literalHostProblem('https://127.0.0.1/hooks')).toMatch(/^url must point to a public address/);
    expect(literalHostProblem('https://[::1]:8443/hooks')).toMatch(/^url must point to a public address/);
    expect(literalHostProblem('https://[::ffff:127.0.0.1]/hooks')).toMatch(/^url must point to a public address/);
    expect(literalHostProblem('https://localhost/hooks')).toMatch(/^url must point to a public address/);
    expect(literalHostProblem('https://partner.example.com/hooks')).toBeUndefined();
  });
});
