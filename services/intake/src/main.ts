import 'reflect-metadata';
import { runService } from '@support/service-kit';
import { intakeService } from './intake.app';

void runService(intakeService);
