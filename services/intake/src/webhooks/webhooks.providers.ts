import { Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '@support/contracts';
import { AppendPipeline, IdempotencyStore } from '@support/command-handling';
import { loadKeyEncryptionKey } from '@support/personal-data';
import { BACKGROUND_ERRORS, CLOCK, PLATFORM_SETTINGS, ScheduledTask, schemaBound, SERVICE_SCHEMA, whileLeading } from '@support/service-kit';
import { DISPATCH_BATCH, DispatchRun, WebhookDispatcher } from './application/webhook-dispatcher';
import { WebhookFanoutReactor } from './application/webhook-fanout.reactor';
import { DEFAULT_WEBHOOK_SETTINGS, WebhookSettings, webhookSettingsFromEnv } from './application/webhook-settings';
import { WebhookSubscriptions } from './application/webhook-subscriptions.service';
import { WebhookDeliveriesRepository } from './persistence/webhook-deliveries.repository';
import { WebhookSecrets, WebhookSubscriptionsRepository } from './persistence/webhook-subscriptions.repository';

/** Injection token of the {@link WebhookSettings} in force. */
export const WEBHOOK_SETTINGS = Symbol('WebhookSettings');
const WEBHOOK_SCHEDULER = Symbol('WebhookScheduler');

/** What the runtime settings may carry for webhooks (tests); left out, they come from the environment. */
export interface WebhookRuntimeSettings {
  webhooks?: Partial<WebhookSettings>;
}

/** The webhook module's providers, for intake's Nest module. */
export const webhookProviders: Provider[] = [
  ...schemaBound(WebhookSubscriptionsRepository, WebhookDeliveriesRepository),
  {
    provide: WEBHOOK_SETTINGS,
    inject: [PLATFORM_SETTINGS],
    useFactory: (settings: WebhookRuntimeSettings): WebhookSettings =>
      settings.webhooks ? { ...DEFAULT_WEBHOOK_SETTINGS, ...settings.webhooks } : webhookSettingsFromEnv(process.env),
  },
  {
    provide: WebhookSecrets,
    inject: [SERVICE_SCHEMA],
    // the key outside the database that wraps customers' data keys: a key derived from it wraps the secrets
    useFactory: (schema: string) => new WebhookSecrets(schema, loadKeyEncryptionKey()),
  },
  {
    provide: WebhookSubscriptions,
    inject: [DataSource, AppendPipeline, CLOCK, IdempotencyStore, WebhookSubscriptionsRepository, WebhookSecrets, WebhookDeliveriesRepository, WEBHOOK_SETTINGS],
    useFactory: (...deps: ConstructorParameters<typeof WebhookSubscriptions>) => new WebhookSubscriptions(...deps),
  },
  {
    provide: WebhookDispatcher,
    inject: [DataSource, WebhookDeliveriesRepository, WebhookSecrets, WebhookSubscriptions, CLOCK, WEBHOOK_SETTINGS],
    useFactory: (
      dataSource: DataSource,
      deliveries: WebhookDeliveriesRepository,
      secrets: WebhookSecrets,
      subscriptions: WebhookSubscriptions,
      clock: Clock,
      settings: WebhookSettings,
    ) => new WebhookDispatcher(dataSource, deliveries, secrets, subscriptions, clock, settings),
  },
  {
    provide: WEBHOOK_SCHEDULER,
    inject: [WebhookDispatcher, DataSource, SERVICE_SCHEMA, WEBHOOK_SETTINGS, BACKGROUND_ERRORS],
    // one instance dispatches at a time (a session advisory lock per run); a run that delivered something
    // goes again at once, so a ticket's next event does not wait for the interval
    useFactory: (dispatcher: WebhookDispatcher, dataSource: DataSource, schema: string, settings: WebhookSettings, onError: (error: unknown) => void) => {
      if (settings.pollIntervalMs === null) return null;
      const tick = () => whileLeading(dataSource, `${schema}:webhook-dispatcher`, () => dispatcher.runDue());
      return new ScheduledTask<DispatchRun | undefined>(tick, settings.pollIntervalMs, onError, (run) => !!run && (run.delivered > 0 || run.attempted === DISPATCH_BATCH));
    },
  },
];

/** The webhook module's event handlers (the fan-out from the ticket topic). */
export const webhookEventHandlers = [WebhookFanoutReactor];

/** What intake's HTTP app injects from the runtime. */
export const webhookExports = [WebhookSubscriptions, WebhookSubscriptionsRepository, WebhookDeliveriesRepository, WebhookDispatcher];
