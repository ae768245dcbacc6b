// tracing first (when OTEL_* asks for it): its instrumentations patch http and pg as they load
import { startTracing } from '@support/service-kit/tracing';
startTracing('lead-pool');
import 'reflect-metadata';
import { runService } from '@support/service-kit';
import { leadPoolService } from './lead-pool.app';

void runService(leadPoolService);
