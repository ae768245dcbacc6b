import 'reflect-metadata';
import { runService } from '@support/service-kit';
import { knowledgeBaseService } from './knowledge-base.app';

void runService(knowledgeBaseService);
