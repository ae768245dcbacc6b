import { Controller, Get, NotFoundException, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor } from '@support/contracts';
import { CurrentActor, Roles } from '@support/service-kit';
import { TicketQueries } from '../application/ticket-queries.service';

@ApiTags('customers')
@ApiBearerAuth()
@Controller('v1/customers')
export class CustomerController {
  constructor(private readonly queries: TicketQueries) {}

  @Get(':id/tickets')
  @Roles('lead', 'senior', 'agent', 'intake', 'analyst', 'service')
  async tickets(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor) {
    const history = await this.queries.customerHistory(id, actor);
    if (!history) throw new NotFoundException(`customer ${id} not found`);
    return history;
  }
}
