import { ConfigError } from '@support/service-kit';
import { DEFAULT_RETRY_SCHEDULE } from '../domain';
import { webhookSettingsFromEnv } from './webhook-settings';

describe('webhook settings from the environment', () => {
  it('defaults to the Standard Webhooks schedule, a 10 s timeout, https only outside development, public addresses only', () => {
    expect(webhookSettingsFromEnv({ NODE_ENV: 'production' })).toEqual({
      retry: DEFAULT_RETRY_SCHEDULE,
      timeoutMs: 10_000,
      allowHttp: false,
      allowPrivateAddresses: false,
      pollIntervalMs: 250,
    });
    expect(webhookSettingsFromEnv({ NODE_ENV: 'development' }).allowHttp).toBe(true);
  });

  it('reads a schedule, jitter, timeout and switches', () => {
    const settings = webhookSettingsFromEnv({
      NODE_ENV: 'production',
      WEBHOOK_RETRY_SCHEDULE_SECONDS: '0.5, 2,10',
      WEBHOOK_RETRY_JITTER: '0',
      WEBHOOK_TIMEOUT_MS: '3000',
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true',
    });
    expect(settings).toMatchObject({ retry: { delaysSeconds: [0.5, 2, 10], jitter: 0 }, timeoutMs: 3000, allowHttp: true, allowPrivateAddresses: true });
  });

  it('stops the start naming each bad variable and its rule', () => {
    const read = () => webhookSettingsFromEnv({ WEBHOOK_RETRY_SCHEDULE_SECONDS: '5,soon', WEBHOOK_RETRY_JITTER: '2', WEBHOOK_TIMEOUT_MS: '10', WEBHOOK_ALLOW_HTTP: 'yes' });
    expect(read).toThrow(ConfigError);
    const message = (() => {
      try {
        read();
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    for (const variable of ['WEBHOOK_RETRY_SCHEDULE_SECONDS', 'WEBHOOK_RETRY_JITTER', 'WEBHOOK_TIMEOUT_MS', 'WEBHOOK_ALLOW_HTTP']) expect(message).toContain(variable);
  });
});
