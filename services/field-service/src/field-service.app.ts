import { ServiceDefinition } from '@support/service-kit';
import { FieldServiceRuntime, SERVICE_NAME, startFieldServiceRuntime } from './field-service.providers';
import { FIELD_SERVICE_SCHEMA } from './persistence/field-service.migrations';
import { SheetController } from './http/sheet.controller';
import { TechnicianController } from './http/technician.controller';
import { VisitController } from './http/visit.controller';

export const fieldService: ServiceDefinition<FieldServiceRuntime> = {
  serviceName: SERVICE_NAME,
  port: 3004,
  schema: FIELD_SERVICE_SCHEMA,
  startRuntime: startFieldServiceRuntime,
  controllers: [VisitController, SheetController, TechnicianController],
  openApi: {
    title: 'field-service',
    version: '1.0',
    description: "On-site visits (requested, scheduled, prepared, checked in, completed, signed) and service sheets with the lead's review.",
  },
  // a customer's signature image (up to 256 KiB) travels base64-encoded in the JSON body
  bodyLimit: '512kb',
};
