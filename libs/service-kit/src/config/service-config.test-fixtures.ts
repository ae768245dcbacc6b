import { ConfigError } from './config.error';

// shared by the service-config unit specs (not part of the build)
export const defaults = { port: 3001, serviceName: 'intake' };
export const good = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://intake:s3cret@db.internal:5432/support',
  KAFKA_BROKERS: 'kafka-1:9092, kafka-2:9092',
  KAFKA_SASL_USERNAME: 'intake',
  KAFKA_SASL_PASSWORD: 'kafka-s3cret',
  OPS_PORT: '9464',
  AUTH_JWT_SECRET: 'a'.repeat(32),
  AUTH_AUDIENCE: 'support-ops',
  AUTH_ISSUER: 'https://auth.example',
};

/** the problems of the ConfigError that `run` throws; fails when it throws none */
export function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}
