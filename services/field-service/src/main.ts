// tracing first (when OTEL_* asks for it): its instrumentations patch http and pg as they load
import { startTracing } from '@support/service-kit/tracing';
startTracing('field-service');
import 'reflect-metadata';
import { runService } from '@support/service-kit';
import { fieldService } from './field-service.app';

void runService(fieldService);
