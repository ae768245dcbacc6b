import 'reflect-metadata';
import { runService } from '@support/service-kit';
import { slaMonitorService } from './sla-monitor.app';

void runService(slaMonitorService);
