import 'reflect-metadata';
import { runService } from '@support/service-kit';
import { dashboardService } from './dashboard.app';

void runService(dashboardService);
