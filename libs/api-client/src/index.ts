export * from './service-clients';
export type { components as DashboardSchemas } from './generated/dashboard.openapi';
export type { components as FieldServiceSchemas } from './generated/field-service.openapi';
export type { components as IntakeSchemas } from './generated/intake.openapi';
export type { components as KnowledgeBaseSchemas } from './generated/knowledge-base.openapi';
export type { components as LeadPoolSchemas } from './generated/lead-pool.openapi';
export type { components as RoutingSchemas } from './generated/routing.openapi';
export type { components as SlaMonitorSchemas } from './generated/sla-monitor.openapi';
