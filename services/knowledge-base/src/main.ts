// tracing first (when OTEL_* asks for it): its instrumentations patch http and pg as they load
import { startTracing } from '@support/service-kit/tracing';
startTracing('knowledge-base');
import 'reflect-metadata';
import { runService } from '@support/service-kit';
import { knowledgeBaseService } from './knowledge-base.app';

void runService(knowledgeBaseService);
