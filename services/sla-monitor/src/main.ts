// tracing first (when OTEL_* asks for it): its instrumentations patch http and pg as they load
import { startTracing } from '@support/service-kit/tracing';
startTracing('sla-monitor');
import 'reflect-metadata';
import { runService } from '@support/service-kit';
import { slaMonitorService } from './sla-monitor.app';

void runService(slaMonitorService);
