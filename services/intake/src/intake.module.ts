import { Inject, Injectable, Module, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SubjectKeys } from '@support/personal-data';
import { loadTrustedKeys } from '@support/event-store';
import { schemaBound, SIGNING_KEY, SigningKeyValue } from '@support/service-kit';
import { ANCHORED_SERVICE, AuditAnchorReactor, TRUSTED_KEYS } from './application/audit-anchor.reactor';
import { CustomerErasure } from './application/customer-erasure.service';
import { FieldServiceReactor } from './application/field-service.reactor';
import { LeadConversionReactor } from './application/lead-conversion.reactor';
import { RoutingDecisionReactor } from './application/routing-decision.reactor';
import { SlaBreachReactor } from './application/sla-breach.reactor';
import { StreamAudit } from './application/stream-audit';
import { TicketCommands } from './application/ticket-commands.service';
import { TicketQueries } from './application/ticket-queries.service';
import { AuditAnchors } from './persistence/audit-anchors.repository';
import { CustomerDirectory } from './persistence/customer-directory.repository';
import { OutboxCopies } from './persistence/outbox-copies.repository';
import { TicketViewRepository } from './persistence/ticket-view.repository';
import { webhookEventHandlers, webhookExports, webhookProviders } from './webhooks';

export const SERVICE_NAME = 'intake';

/** Wraps, once at start, the data keys an earlier version stored clear. */
@Injectable()
class ClearKeysWrapping implements OnApplicationBootstrap {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(SubjectKeys) private readonly keys: SubjectKeys,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.dataSource.transaction((manager) => this.keys.wrapClearKeys(manager));
  }
}

/** Intake's own providers and event handlers, on the support platform's (database, pipeline, clock, ...). */
@Module({
  providers: [
    ...schemaBound(TicketViewRepository, CustomerDirectory, AuditAnchors, OutboxCopies),
    { provide: ANCHORED_SERVICE, useValue: SERVICE_NAME },
    { provide: TRUSTED_KEYS, inject: [SIGNING_KEY], useFactory: (signingKey: SigningKeyValue) => loadTrustedKeys(process.env, signingKey ?? undefined) },
    TicketCommands,
    StreamAudit,
    TicketQueries,
    CustomerErasure,
    ClearKeysWrapping,
    ...webhookProviders,
  ],
  // field-service's reactor is one group for visits and sheets: a visit's events share its key (one partition, in order), a sheet's likewise
  controllers: [RoutingDecisionReactor, SlaBreachReactor, FieldServiceReactor, LeadConversionReactor, AuditAnchorReactor, ...webhookEventHandlers],
  exports: [TicketCommands, TicketQueries, CustomerErasure, ...webhookExports],
})
export class IntakeModule {}
