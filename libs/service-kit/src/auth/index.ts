export * from './auth.module';
export * from './current-actor.decorator';
export * from './jwt-auth.guard';
export * from './jwt-verifier';
export * from './public.decorator';
export * from './roles.decorator';
export * from './sign-test-token';
export * from './route-roles.check';
