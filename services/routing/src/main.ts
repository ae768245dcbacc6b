import 'reflect-metadata';
import { runService } from '@support/service-kit';
import { routingService } from './routing.app';

void runService(routingService);
