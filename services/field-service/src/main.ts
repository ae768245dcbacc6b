import 'reflect-metadata';
import { runService } from '@support/service-kit';
import { fieldService } from './field-service.app';

void runService(fieldService);
