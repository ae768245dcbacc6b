import { NestExpressApplication } from '@nestjs/platform-express';
import { createServiceApp, ServiceConfig } from '@support/service-kit';
import { IntakeModule } from './intake.module';
import { IntakeRuntime } from './intake.providers';

/** bodies up to 1 MB reach validation, so an over-long field gets a 400 naming it rather than a 413 */
const BODY_LIMIT = '1mb';

export async function createIntakeApp(runtime: IntakeRuntime, config: ServiceConfig): Promise<NestExpressApplication> {
  const app = await createServiceApp(IntakeModule.register(runtime, config), config, {
    bodyLimit: BODY_LIMIT,
    openApi: { title: 'intake', version: '1.0', description: 'The ticket of record: open and work tickets, their audit history, customers.' },
  });
  // the runtime (relay, pool) closes after the HTTP server has drained
  const close = app.close.bind(app);
  app.close = async () => {
    await close();
    await runtime.close();
  };
  return app;
}
