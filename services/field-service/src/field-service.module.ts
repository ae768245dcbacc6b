import { Module } from '@nestjs/common';
import { schemaBound } from '@support/service-kit';
import { KnownTicketsProjector } from './projections/known-tickets.projector';
import { SheetService } from './application/sheet.service';
import { VisitService } from './application/visit.service';
import { FieldViewsRepository } from './persistence/field-views.repository';
import { KnownTicketsRepository } from './persistence/known-tickets.repository';

/** Field-service's own providers and event handlers, on the support platform's (database, pipeline, clock, ...). */
@Module({
  providers: [...schemaBound(FieldViewsRepository, KnownTicketsRepository), VisitService, SheetService],
  controllers: [KnownTicketsProjector],
  exports: [VisitService, SheetService, KnownTicketsRepository],
})
export class FieldServiceModule {}
