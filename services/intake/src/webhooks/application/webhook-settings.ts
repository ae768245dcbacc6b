import { Expose, Transform } from 'class-transformer';
import { ArrayMaxSize, IsBoolean, IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { isDevEnv, loadConfig, toInteger, toList } from '@support/service-kit';
import { DEFAULT_RETRY_SCHEDULE, RetrySchedule } from '../domain';

/** How intake delivers webhooks; tests give it whole, the service reads it from the environment. */
export interface WebhookSettings {
  retry: RetrySchedule;
  /** how long one delivery may take, connection to answer */
  timeoutMs: number;
  /** subscriptions may name plain http URLs */
  allowHttp: boolean;
  /** deliveries may go to loopback, private, link-local and other non-public addresses */
  allowPrivateAddresses: boolean;
  /** how often the dispatcher looks for due deliveries; null: never by itself (tests call it) */
  pollIntervalMs: number | null;
}

export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = {
  retry: DEFAULT_RETRY_SCHEDULE,
  timeoutMs: 10_000,
  allowHttp: false,
  allowPrivateAddresses: false,
  pollIntervalMs: 250,
};

const SCHEDULE_RULE = '$property must be a comma-separated list of 1-20 waits in seconds, each from 0.01 to 604800 (e.g. 5,300,1800)';
const BOOLEAN_RULE = '$property must be true or false';

function toNumbers({ value }: { value: unknown }): unknown {
  const list = toList({ value });
  return Array.isArray(list) ? list.map((item) => (/^\d+(\.\d+)?$/.test(String(item)) ? Number(item) : item)) : list;
}

function toBoolean({ value }: { value: unknown }): unknown {
  return value === 'true' ? true : value === 'false' ? false : value;
}

/** The variables of webhook delivery, checked at start-up with the rest of the configuration. */
export class WebhookEnv {
  @Expose()
  @IsOptional()
  NODE_ENV?: string;

  /** after the last wait the delivery has failed for good and the subscription is disabled */
  @Expose()
  @IsOptional()
  @Transform(toNumbers)
  @ArrayMaxSize(20, { message: SCHEDULE_RULE })
  @IsNumber({}, { each: true, message: SCHEDULE_RULE })
  @Min(0.01, { each: true, message: SCHEDULE_RULE })
  @Max(604800, { each: true, message: SCHEDULE_RULE })
  WEBHOOK_RETRY_SCHEDULE_SECONDS?: number[];

  @Expose()
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value))
  @IsNumber({}, { message: '$property must be a number from 0 to 1 (the share a wait moves either way)' })
  @Min(0, { message: '$property must be a number from 0 to 1 (the share a wait moves either way)' })
  @Max(1, { message: '$property must be a number from 0 to 1 (the share a wait moves either way)' })
  WEBHOOK_RETRY_JITTER?: number;

  @Expose()
  @IsOptional()
  @Transform(toInteger)
  @IsInt({ message: '$property must be an integer from 100 to 60000 (milliseconds one delivery may take)' })
  @Min(100, { message: '$property must be an integer from 100 to 60000 (milliseconds one delivery may take)' })
  @Max(60000, { message: '$property must be an integer from 100 to 60000 (milliseconds one delivery may take)' })
  WEBHOOK_TIMEOUT_MS?: number;

  /** default: true in development and test, false elsewhere */
  @Expose()
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: BOOLEAN_RULE })
  WEBHOOK_ALLOW_HTTP?: boolean;

  @Expose()
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: BOOLEAN_RULE })
  WEBHOOK_ALLOW_PRIVATE_ADDRESSES?: boolean;
}

/** The settings from the environment; a bad variable stops the start with a message naming it. */
export function webhookSettingsFromEnv(env: Record<string, string | undefined> = process.env): WebhookSettings {
  const read = loadConfig(WebhookEnv, env);
  const defaults = DEFAULT_WEBHOOK_SETTINGS;
  return {
    retry: { delaysSeconds: read.WEBHOOK_RETRY_SCHEDULE_SECONDS ?? defaults.retry.delaysSeconds, jitter: read.WEBHOOK_RETRY_JITTER ?? defaults.retry.jitter },
    timeoutMs: read.WEBHOOK_TIMEOUT_MS ?? defaults.timeoutMs,
    allowHttp: read.WEBHOOK_ALLOW_HTTP ?? isDevEnv(read.NODE_ENV),
    allowPrivateAddresses: read.WEBHOOK_ALLOW_PRIVATE_ADDRESSES ?? defaults.allowPrivateAddresses,
    pollIntervalMs: defaults.pollIntervalMs,
  };
}
