import { DEFAULT_RETRY_SCHEDULE, nextAttemptAt } from './retry-schedule';
import { webhookUrlProblem } from './webhook-url';

const AT = new Date('2026-12-07T08:00:00Z');
const seconds = (next: Date | undefined) => (next === undefined ? undefined : (next.getTime() - AT.getTime()) / 1000);

describe('retry schedule', () => {
  it("waits Standard Webhooks' schedule after each failure, then gives up", () => {
    // random 0.5: no jitter either way
    const waits = [1, 2, 3, 4, 5, 6, 7, 8].map((failed) => seconds(nextAttemptAt(failed, AT, DEFAULT_RETRY_SCHEDULE, 0.5)));
    expect(waits).toEqual([5, 300, 1800, 7200, 18000, 36000, 36000, undefined]);
  });

  it('moves each wait by at most the jitter either way', () => {
    const schedule = { delaysSeconds: [100], jitter: 0.2 };
    expect(seconds(nextAttemptAt(1, AT, schedule, 0))).toBe(80);
    expect(seconds(nextAttemptAt(1, AT, schedule, 0.999999))).toBeCloseTo(120, 2);
    expect(seconds(nextAttemptAt(1, AT, { ...schedule, jitter: 0 }, 0.9))).toBe(100);
  });
});

describe('webhook URL', () => {
  const strict = { allowHttp: false };
  it('takes an https URL and refuses http unless allowed', () => {
    expect(webhookUrlProblem('https://partner.example.com/hooks?tenant=7', strict)).toBeUndefined();
    expect(webhookUrlProblem('http://partner.example.com/hooks', strict)).toBe('url must be an https URL (plain http is not allowed here)');
    expect(webhookUrlProblem('http://127.0.0.1:8080/hooks', { allowHttp: true })).toBeUndefined();
    expect(webhookUrlProblem('ftp://partner.example.com/', { allowHttp: true })).toBe('url must be an http or https URL');
  });

  it('refuses credentials, fragments, relative and over-long URLs', () => {
    expect(webhookUrlProblem('https://user:pw@partner.example.com/', strict)).toMatch(/^url must not carry a user name or password/);
    expect(webhookUrlProblem('https://partner.example.com/#x', strict)).toBe('url must not have a fragment');
    expect(webhookUrlProblem('/hooks', strict)).toBe('url must be an absolute https URL');
    expect(webhookUrlProblem(`https://partner.example.com/${'a'.repeat(2048)}`, strict)).toBe('url must be at most 2048 characters');
  });
});
