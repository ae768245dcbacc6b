import { EventStore } from '@support/event-store';
import { EventConsumer, EventConsumerTransport, OutboxRelay } from '@support/messaging';
import { PlatformRuntime, PlatformSettings, startPlatform } from '@support/service-kit';
import { CustomerErasure } from './application/customer-erasure.service';
import { TicketCommands } from './application/ticket-commands.service';
import { TicketQueries } from './application/ticket-queries.service';
import { IntakeModule, SERVICE_NAME } from './intake.module';
import { intakeMigrations } from './persistence/intake.migrations';
import { WebhookDispatcher, WebhookRuntimeSettings } from './webhooks';

export { SERVICE_NAME };

/** the platform's settings, and webhook delivery's (left out: from the environment) */
export type IntakeSettings = PlatformSettings & WebhookRuntimeSettings;

/** Everything intake runs on, built once at start-up and closed at shutdown. */
export interface IntakeRuntime extends PlatformRuntime {
  relay: OutboxRelay;
  reactors: readonly EventConsumer[];
  /** the event table as stored: personal data sealed */
  store: EventStore;
  commands: TicketCommands;
  queries: TicketQueries;
  erasure: CustomerErasure;
  webhooks: WebhookDispatcher;
}

/** Intake on the support platform: Nest builds it from {@link IntakeModule}; these are its parts tests reach for. */
export async function startIntakeRuntime(settings: IntakeSettings, onError: (error: unknown) => void): Promise<IntakeRuntime> {
  const platform = await startPlatform(IntakeModule, {
    service: SERVICE_NAME,
    settings,
    onError,
    migrations: intakeMigrations,
    // it makes customers' keys, and destroys one on erasure
    keyring: 'shred',
    // every append seals personal data first, with the key of the customer it names: the table and every topic hold it sealed
    sealPersonalData: true,
  });
  const { context } = platform;
  return {
    ...platform,
    relay: context.get(OutboxRelay),
    reactors: context.get(EventConsumerTransport).consumers,
    store: context.get(EventStore),
    commands: context.get(TicketCommands),
    queries: context.get(TicketQueries),
    erasure: context.get(CustomerErasure),
    webhooks: context.get(WebhookDispatcher),
  };
}
