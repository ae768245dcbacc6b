export * from './setup-openapi';
export * from './complete-operations';
export * from './api-answer.decorators';
export * from './common-answers.dto';
