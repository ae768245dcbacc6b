import { withTimeout } from './readiness-probe';

describe('withTimeout', () => {
  it('settles like the promise when it is in time', async () => {
    await expect(withTimeout(Promise.resolve(7), 50, 'late')).resolves.toBe(7);
    await expect(withTimeout(Promise.reject(new Error('refused')), 50, 'late')).rejects.toThrow('refused');
  });

  it('rejects with the message when the promise hangs', async () => {
    await expect(withTimeout(new Promise(() => undefined), 10, 'db did not answer within 10 ms')).rejects.toThrow('db did not answer within 10 ms');
  });
});
