import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { OutboxRelay } from '@support/messaging';

/**
 * Starts the outbox relay once every provider is built (before the consumers join: the transport listens
 * after bootstrap) and stops it after the consumers and before the database closes (Nest closes the
 * transport first, then `beforeApplicationShutdown`, then `onApplicationShutdown`, where TypeORM closes).
 */
@Injectable()
export class PlatformLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(@Inject(OutboxRelay) private readonly relay: OutboxRelay | null) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.relay?.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay?.stop();
  }
}
