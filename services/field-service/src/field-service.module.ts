import { Module } from '@nestjs/common';
import { AppendPipeline } from '@support/command-handling';
import { PersonalDataOpening } from '@support/personal-data';
import { schemaBound, SERVICE_SCHEMA } from '@support/service-kit';
import { KnownTicketsProjector } from './projections/known-tickets.projector';
import { CustomerErasureReactor } from './application/customer-erasure.reactor';
import { OpenedStreams } from './application/opened-streams';
import { SheetService } from './application/sheet.service';
import { VisitService } from './application/visit.service';
import { FieldViewsRepository } from './persistence/field-views.repository';
import { KnownTicketsRepository } from './persistence/known-tickets.repository';

/** Field-service's own providers and event handlers, on the support platform's (database, pipeline, clock, ...). */
@Module({
  providers: [
    ...schemaBound(FieldViewsRepository, KnownTicketsRepository),
    {
      provide: OpenedStreams,
      inject: [AppendPipeline, SERVICE_SCHEMA, PersonalDataOpening],
      useFactory: (pipeline: AppendPipeline, schema: string, opening: PersonalDataOpening) => new OpenedStreams(pipeline, schema, opening),
    },
    VisitService,
    SheetService,
  ],
  controllers: [KnownTicketsProjector, CustomerErasureReactor],
  exports: [VisitService, SheetService, KnownTicketsRepository],
})
export class FieldServiceModule {}
