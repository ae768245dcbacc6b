import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Subject } from 'rxjs';
import { EventConsumerTransport, GroupHasOtherMembers } from '@support/messaging';
import { TEAM_TIME_ZONE } from '@support/contracts';
import { DashboardTables } from '../persistence/dashboard.tables';
import { ProjectionChange } from '../projections/dashboard.projector';

/** Injection token of the team's IANA time zone: its reporting weeks and the page's times. */
export const TEAM_TIME_ZONE_TOKEN = Symbol('TeamTimeZone');

/** the team's time zone from the settings (default Asia/Shanghai) */
export function teamTimeZoneOf(settings: { timeZone?: string }): string {
  return settings.timeZone ?? TEAM_TIME_ZONE;
}

/** Every projection change, for the live page; completed on shutdown, which ends the live streams. */
@Injectable()
export class ProjectionChanges extends Subject<ProjectionChange> implements OnModuleDestroy {
  onModuleDestroy(): void {
    this.complete();
  }
}

/** The projections' consumer group: how far behind it is, and its rebuild. */
@Injectable()
export class DashboardProjections {
  private restarting = false;

  constructor(
    private readonly consumers: EventConsumerTransport,
    private readonly tables: DashboardTables,
  ) {}

  /** events on the topics not yet projected (0 = caught up) */
  lag(): Promise<number> {
    return this.consumers.consumer('projections').lag();
  }

  /**
   * drops every projection and replays all topics from offset 0; returns once the replay has started, or
   * why it was refused: one is starting already here, or other dashboard instances share the group (the
   * broker will not delete a group with members, and they would project onto the emptied tables)
   */
  async rebuild(): Promise<string | undefined> {
    // two restarts of one consumer at once would leave it in an unknown state
    if (this.restarting) return 'a rebuild is starting already';
    this.restarting = true;
    try {
      await this.consumers.consumer('projections').replayFromStart((manager) => this.tables.clear(manager));
      return undefined;
    } catch (error) {
      if (error instanceof GroupHasOtherMembers) return `${error.message} (nothing was cleared)`;
      throw error;
    } finally {
      this.restarting = false;
    }
  }
}
