import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Page, PageRequest } from '@support/service-kit';
import { MemberCursor, RosterEntry, RosterRepository } from '../persistence/roster.repository';
import { QueueCursor, RoutedTicket, RoutedTicketsRepository } from '../persistence/routed-tickets.repository';

@Injectable()
export class RoutingQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly roster: RosterRepository,
    private readonly tickets: RoutedTicketsRepository,
  ) {}

  members(page: PageRequest<MemberCursor>): Promise<Page<RosterEntry>> {
    return this.roster.page(this.dataSource, page);
  }

  member(memberId: string): Promise<RosterEntry | null> {
    return this.roster.get(this.dataSource, memberId);
  }

  /** waiting tickets in the order they will be served, with their place in line */
  queue(page: PageRequest<QueueCursor>): Promise<Page<RoutedTicket & { position: number }>> {
    return this.tickets.waitingPage(this.dataSource, page);
  }

  ticket(ticketId: string): Promise<RoutedTicket | null> {
    return this.tickets.get(this.dataSource, ticketId);
  }
}
