import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RosterEntry, RosterRepository } from '../persistence/roster.repository';
import { RoutedTicket, RoutedTicketsRepository } from '../persistence/routed-tickets.repository';

@Injectable()
export class RoutingQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly roster: RosterRepository,
    private readonly tickets: RoutedTicketsRepository,
  ) {}

  members(): Promise<RosterEntry[]> {
    return this.roster.all(this.dataSource);
  }

  member(memberId: string): Promise<RosterEntry | null> {
    return this.roster.get(this.dataSource, memberId);
  }

  /** waiting tickets in the order they will be served, with their place in line */
  async queue(): Promise<Array<RoutedTicket & { position: number }>> {
    return (await this.tickets.waiting(this.dataSource)).map((ticket, index) => ({ ...ticket, position: index + 1 }));
  }

  ticket(ticketId: string): Promise<RoutedTicket | null> {
    return this.tickets.get(this.dataSource, ticketId);
  }
}
