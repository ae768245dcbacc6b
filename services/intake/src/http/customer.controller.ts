import { Body, Controller, Get, Headers, HttpCode, NotFoundException, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { Actor } from '@support/contracts';
import { AcceptsIfMatch, ApiAnswer, commandContext, CurrentActor, refusalToHttp, Roles, UuidParam } from '@support/service-kit';
import { CustomerErasure } from '../application/customer-erasure.service';
import { TicketQueries } from '../application/ticket-queries.service';
import { CustomerErasureDto } from './customer-erasure.dto';
import { CustomerErasedDto, CustomerHistoryDto } from './ticket-answers.dto';

@ApiTags('customers')
@ApiBearerAuth()
@Controller('v1/customers')
export class CustomerController {
  constructor(
    private readonly queries: TicketQueries,
    private readonly erasure: CustomerErasure,
  ) {}

  @Get(':id/tickets')
  @ApiAnswer(CustomerHistoryDto)
  @Roles('lead', 'senior', 'agent', 'intake', 'analyst', 'service')
  async tickets(@UuidParam() id: string, @CurrentActor() actor: Actor) {
    const history = await this.queries.customerHistory(id, actor);
    if (!history) throw new NotFoundException(`customer ${id} not found`);
    // the customer's version, for the erasure's If-Match; no ETag: this answer also changes with its tickets
    return { ...history, customer: { ...history.customer, version: await this.erasure.version(id) } };
  }

  /** erases the customer's personal data (crypto-shredding): it reads `[erased]` from then on, and history still verifies */
  @Post(':id/erasure')
  @HttpCode(200)
  @ApiAnswer(CustomerErasedDto)
  @Roles('lead')
  @AcceptsIfMatch()
  @ApiHeader({ name: 'X-Correlation-Id', required: false })
  async erase(@UuidParam() id: string, @Body() body: CustomerErasureDto, @CurrentActor() actor: Actor, @Headers() headers: Record<string, string>) {
    const outcome = await this.erasure.erase(id, body.reason, commandContext(actor, headers));
    if (!outcome.ok) return refusalToHttp(outcome);
    return { id: outcome.customerId, erased: true, version: outcome.version };
  }
}
