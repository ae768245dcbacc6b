import 'reflect-metadata';
import { runService } from '@support/service-kit';
import { leadPoolService } from './lead-pool.app';

void runService(leadPoolService);
