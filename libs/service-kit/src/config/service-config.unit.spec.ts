import { Expose } from 'class-transformer';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import { Transform } from 'class-transformer';
import { ConfigError, DEFAULT_WRITES_PER_MINUTE, IsRequired, loadConfig, loadServiceConfig } from '..';
import { toInteger } from './env-rules';
import { defaults, good, problemsOf } from './service-config.test-fixtures';

// the token and Kafka settings have specs of their own: service-config.auth and service-config.kafka
describe('loadServiceConfig', () => {
  it('reads a valid environment, with the service defaults', () => {
    expect(loadServiceConfig(good, defaults)).toEqual({
      serviceName: 'intake',
      nodeEnv: 'production',
      port: 3001,
      opsPort: 9464,
      databaseUrl: good.DATABASE_URL,
      kafka: { brokers: ['kafka-1:9092', 'kafka-2:9092'], sasl: { mechanism: 'scram-sha-512', username: 'intake', password: 'kafka-s3cret' }, tls: undefined },
      logLevel: 'info',
      auth: { jwtSecret: good.AUTH_JWT_SECRET, jwksUrl: undefined, audience: 'support-ops', issuer: 'https://auth.example', maxTokenLifetimeSeconds: 12 * 3600 },
      rateLimit: { writesPerMinute: DEFAULT_WRITES_PER_MINUTE },
      idempotencyKeyTtlSeconds: 24 * 3600,
    });
  });

  it('reads the optional variables', () => {
    const config = loadServiceConfig(
      {
        ...good,
        PORT: '8080',
        LOG_LEVEL: 'debug',
        DATABASE_URL: 'postgresql://u@localhost/db',
        KAFKA_BROKERS: '127.0.0.1:9092',
        AUTH_JWKS_URL: 'https://auth:8443/.well-known/jwks.json',
        AUTH_AUDIENCE: 'support',
        AUTH_MAX_TOKEN_LIFETIME_SECONDS: '3600',
        AUTH_ISSUER: 'https://auth.example',
        RATE_LIMIT_WRITES_PER_MINUTE: '30',
        IDEMPOTENCY_KEY_TTL_SECONDS: '3600',
      },
      defaults,
    );
    expect(config).toMatchObject({
      port: 8080,
      logLevel: 'debug',
      kafka: { brokers: ['127.0.0.1:9092'] },
      auth: { jwksUrl: 'https://auth:8443/.well-known/jwks.json', audience: 'support', issuer: 'https://auth.example', maxTokenLifetimeSeconds: 3600 },
      rateLimit: { writesPerMinute: 30 },
      idempotencyKeyTtlSeconds: 3600,
    });
  });

  it('names every missing variable', () => {
    expect(problemsOf(() => loadServiceConfig({ NODE_ENV: 'production' }, defaults))).toEqual([
      'DATABASE_URL is required',
      'KAFKA_BROKERS is required',
      'KAFKA_SASL_USERNAME is required when NODE_ENV is production (services sign in to Kafka)',
      'AUTH_JWT_SECRET is required unless NODE_ENV is development or test or AUTH_JWKS_URL is set',
      'AUTH_AUDIENCE is required when NODE_ENV is production (the `aud` every token must carry)',
      'AUTH_ISSUER is required when NODE_ENV is production (the `iss` every token must carry)',
      'OPS_PORT is required when NODE_ENV is production (/metrics and /docs are for operators: a port of their own, not published)',
    ]);
  });

  it('names every malformed variable with its rule, in one error', () => {
    const run = () =>
      loadServiceConfig(
        {
          ...good,
          PORT: '70000',
          DATABASE_URL: 'mysql://u@h/db',
          KAFKA_BROKERS: 'kafka-1:9092,kafka-2',
          AUTH_JWT_SECRET: 'short',
          AUTH_JWKS_URL: 'not a url',
          LOG_LEVEL: 'loud',
          RATE_LIMIT_WRITES_PER_MINUTE: '0',
        },
        defaults,
      );
    expect(problemsOf(run)).toEqual([
      'PORT must be an integer between 1 and 65535',
      'DATABASE_URL must be a postgres URL (postgres://user:password@host:port/database)',
      'KAFKA_BROKERS must be a comma-separated list of host:port',
      'AUTH_JWKS_URL must be an http(s) URL',
      'RATE_LIMIT_WRITES_PER_MINUTE must be an integer between 1 and 1000000 (writes per caller per minute)',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
    ]);
    expect(run).toThrow(/^invalid configuration: PORT must be .*; DATABASE_URL must be .*; KAFKA_BROKERS must be a comma-separated list of host:port; /);
  });

  it.each(['abc', '0', '3000.5', '-1', '0x10'])('rejects PORT=%s', (port) => {
    expect(problemsOf(() => loadServiceConfig({ ...good, PORT: port }, defaults))).toEqual(['PORT must be an integer between 1 and 65535']);
  });

  it.each(['', ' , ', 'kafka', 'kafka:0', 'kafka:99999', 'kafka:9092;other:9092'])('rejects KAFKA_BROKERS=%j', (brokers) => {
    const expected = brokers.trim() === '' ? 'KAFKA_BROKERS is required' : 'KAFKA_BROKERS must be a comma-separated list of host:port';
    expect(problemsOf(() => loadServiceConfig({ ...good, KAFKA_BROKERS: brokers }, defaults))).toEqual([expected]);
  });

  it.each(['0', '-1', '1.5', 'many', '1000001'])('rejects RATE_LIMIT_WRITES_PER_MINUTE=%s', (limit) => {
    expect(problemsOf(() => loadServiceConfig({ ...good, RATE_LIMIT_WRITES_PER_MINUTE: limit }, defaults))).toEqual([
      'RATE_LIMIT_WRITES_PER_MINUTE must be an integer between 1 and 1000000 (writes per caller per minute)',
    ]);
  });

  it.each(['0', '-1', '1.5', 'a day', '2592001'])('rejects IDEMPOTENCY_KEY_TTL_SECONDS=%s', (ttl) => {
    expect(problemsOf(() => loadServiceConfig({ ...good, IDEMPOTENCY_KEY_TTL_SECONDS: ttl }, defaults))).toEqual([
      'IDEMPOTENCY_KEY_TTL_SECONDS must be an integer between 1 and 2592000 (seconds a stored Idempotency-Key answer is replayed)',
    ]);
  });

  it('validates a service’s own variables in the same pass', () => {
    class SlaEnv {
      @Expose()
      @IsRequired()
      @IsIn(['Asia/Shanghai', 'UTC'], { message: '$property must be a known time zone' })
      SLA_TIME_ZONE!: string;

      @Expose()
      @Transform(toInteger)
      @IsInt()
      @Min(1)
      @Max(60)
      SLA_WARNING_MINUTES = 15;
    }

    const config = loadServiceConfig({ ...good, SLA_TIME_ZONE: 'UTC' }, defaults, SlaEnv);
    expect(config.extra).toEqual(Object.assign(new SlaEnv(), { SLA_TIME_ZONE: 'UTC', SLA_WARNING_MINUTES: 15 }));
    expect(config.port).toBe(3001);

    expect(problemsOf(() => loadServiceConfig({ ...good, KAFKA_BROKERS: 'x', SLA_TIME_ZONE: 'Mars/Olympus' }, defaults, SlaEnv))).toEqual([
      'KAFKA_BROKERS must be a comma-separated list of host:port',
      'SLA_TIME_ZONE must be a known time zone',
    ]);
  });
});

describe("loadServiceConfig: the operators' port", () => {
  it('is optional outside production, and must differ from PORT', () => {
    const { OPS_PORT: _ops, ...withoutOps } = good;
    expect(loadServiceConfig({ ...withoutOps, NODE_ENV: 'development' }, defaults).opsPort).toBeUndefined();
    expect(problemsOf(() => loadServiceConfig({ ...good, PORT: '9464' }, defaults))).toEqual(['OPS_PORT must differ from PORT']);
    expect(problemsOf(() => loadServiceConfig({ ...good, OPS_PORT: '0' }, defaults))).toEqual(['OPS_PORT must be an integer between 1 and 65535']);
  });
});

describe('loadConfig', () => {
  class WorkerEnv {
    @Expose()
    @Transform(toInteger)
    @IsInt({ message: '$property must be an integer' })
    BATCH_SIZE = 100;
  }

  it('reads only exposed properties and keeps defaults for blank values', () => {
    const env = loadConfig(WorkerEnv, { BATCH_SIZE: ' ', HOME: '/root' });
    expect(env).toEqual(Object.assign(new WorkerEnv(), { BATCH_SIZE: 100 }));
    expect(loadConfig(WorkerEnv, { BATCH_SIZE: '7' }).BATCH_SIZE).toBe(7);
  });

  it('throws a ConfigError naming the variable', () => {
    expect(() => loadConfig(WorkerEnv, { BATCH_SIZE: 'many' })).toThrow(new ConfigError(['BATCH_SIZE must be an integer']));
  });
});
