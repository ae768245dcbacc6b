import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Expose } from 'class-transformer';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import { Transform } from 'class-transformer';
import { ConfigError, DEFAULT_WRITES_PER_MINUTE, DEV_JWT_SECRET, IsRequired, loadConfig, loadServiceConfig } from '..';
import { toInteger } from './env-rules';

const defaults = { port: 3001, serviceName: 'intake' };
const good = {
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

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

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

  it('accepts a short secret outside production and a dev default in development and test', () => {
    expect(loadServiceConfig({ ...good, NODE_ENV: 'staging', AUTH_JWT_SECRET: 'short' }, defaults).auth.jwtSecret).toBe('short');
    for (const NODE_ENV of ['development', 'test']) {
      expect(loadServiceConfig({ ...good, NODE_ENV, AUTH_JWT_SECRET: undefined }, defaults).auth.jwtSecret).toBe(DEV_JWT_SECRET);
    }
    expect(problemsOf(() => loadServiceConfig({ ...good, NODE_ENV: undefined, AUTH_JWT_SECRET: '' }, defaults))).toEqual([
      'AUTH_JWT_SECRET is required unless NODE_ENV is development or test or AUTH_JWKS_URL is set',
    ]);
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

  describe('in production (NODE_ENV=production)', () => {
    const jwksUrl = 'https://auth.example/.well-known/jwks.json';

    it('refuses to start without AUTH_JWT_SECRET', () => {
      expect(problemsOf(() => loadServiceConfig({ ...good, AUTH_JWT_SECRET: undefined }, defaults))).toEqual([
        'AUTH_JWT_SECRET is required unless NODE_ENV is development or test or AUTH_JWKS_URL is set',
      ]);
      expect(() => loadServiceConfig({ ...good, AUTH_JWT_SECRET: '  ' }, defaults)).toThrow(ConfigError);
    });

    it('refuses a secret shorter than 32 bytes, counting UTF-8 bytes', () => {
      const rule = 'AUTH_JWT_SECRET must be at least 32 bytes when NODE_ENV is production (or set AUTH_JWKS_URL)';
      expect(problemsOf(() => loadServiceConfig({ ...good, AUTH_JWT_SECRET: 'a'.repeat(31) }, defaults))).toEqual([rule]);
      expect(() => loadServiceConfig({ ...good, AUTH_JWT_SECRET: 'a'.repeat(31) }, defaults)).toThrow(/^invalid configuration: AUTH_JWT_SECRET must be at least 32 bytes/);
      expect(loadServiceConfig({ ...good, AUTH_JWT_SECRET: 'a'.repeat(32) }, defaults).auth.jwtSecret).toBe('a'.repeat(32));
      // 11 characters, 33 bytes: long enough for HS256 whatever the character count
      expect(loadServiceConfig({ ...good, AUTH_JWT_SECRET: '密'.repeat(11) }, defaults).auth.jwtSecret).toBe('密'.repeat(11));
    });

    it('refuses the published development secret even when it is set explicitly', () => {
      expect(problemsOf(() => loadServiceConfig({ ...good, AUTH_JWT_SECRET: DEV_JWT_SECRET }, defaults))).toEqual([
        'AUTH_JWT_SECRET must not be the published development secret when NODE_ENV is production',
      ]);
      expect(loadServiceConfig({ ...good, NODE_ENV: 'development', AUTH_JWT_SECRET: DEV_JWT_SECRET }, defaults).auth.jwtSecret).toBe(DEV_JWT_SECRET);
    });

    it('takes a JWKS only over https (plain http only in development and test)', () => {
      const plain = 'http://auth:8080/.well-known/jwks.json';
      expect(problemsOf(() => loadServiceConfig({ ...good, AUTH_JWKS_URL: plain }, defaults))).toEqual(['AUTH_JWKS_URL must be an https URL unless NODE_ENV is development or test']);
      expect(loadServiceConfig({ ...good, NODE_ENV: 'test', AUTH_JWKS_URL: plain }, defaults).auth.jwksUrl).toBe(plain);
    });

    it.each(['59', '604801', 'long', '1.5'])('rejects AUTH_MAX_TOKEN_LIFETIME_SECONDS=%s', (lifetime) => {
      expect(problemsOf(() => loadServiceConfig({ ...good, AUTH_MAX_TOKEN_LIFETIME_SECONDS: lifetime }, defaults))).toEqual([
        'AUTH_MAX_TOKEN_LIFETIME_SECONDS must be an integer between 60 and 604800 (seconds a token may live, exp - iat)',
      ]);
    });

    it('refuses to start without AUTH_AUDIENCE or AUTH_ISSUER, so tokens are always checked against both', () => {
      expect(problemsOf(() => loadServiceConfig({ ...good, AUTH_AUDIENCE: undefined, AUTH_ISSUER: ' ' }, defaults))).toEqual([
        'AUTH_AUDIENCE is required when NODE_ENV is production (the `aud` every token must carry)',
        'AUTH_ISSUER is required when NODE_ENV is production (the `iss` every token must carry)',
      ]);
      for (const NODE_ENV of ['development', 'test', 'staging']) {
        const { auth } = loadServiceConfig({ ...good, NODE_ENV, AUTH_AUDIENCE: undefined, AUTH_ISSUER: undefined }, defaults);
        expect(auth).toMatchObject({ audience: undefined, issuer: undefined });
      }
    });

    it('needs no secret when tokens are checked against a JWKS, and makes up none', () => {
      expect(loadServiceConfig({ ...good, AUTH_JWT_SECRET: undefined, AUTH_JWKS_URL: jwksUrl }, defaults).auth).toEqual({
        jwtSecret: undefined,
        jwksUrl,
        audience: 'support-ops',
        issuer: 'https://auth.example',
        maxTokenLifetimeSeconds: 12 * 3600,
      });
      expect(loadServiceConfig({ ...good, AUTH_JWT_SECRET: 'short', AUTH_JWKS_URL: jwksUrl }, defaults).auth.jwksUrl).toBe(jwksUrl);
    });
  });

  it('uses the development secret only in development and test, and never beside a JWKS', () => {
    for (const NODE_ENV of ['production', 'staging', 'prod', 'Development', undefined]) {
      expect(() => loadServiceConfig({ ...good, NODE_ENV, AUTH_JWT_SECRET: undefined }, defaults)).toThrow(ConfigError);
    }
    const jwks = loadServiceConfig({ ...good, NODE_ENV: 'development', AUTH_JWT_SECRET: undefined, AUTH_JWKS_URL: 'http://auth:8080/jwks.json' }, defaults);
    expect(jwks.auth.jwtSecret).toBeUndefined();
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

describe('loadServiceConfig: signing in to Kafka', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-config-'));
  const passwordFile = join(dir, 'password');
  const caFile = join(dir, 'ca.pem');
  writeFileSync(passwordFile, 'from-a-file\n');
  writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const { KAFKA_SASL_USERNAME: _user, KAFKA_SASL_PASSWORD: _password, ...anonymous } = good;

  it('refuses to start in production without a Kafka principal', () => {
    expect(problemsOf(() => loadServiceConfig(anonymous, defaults))).toEqual(['KAFKA_SASL_USERNAME is required when NODE_ENV is production (services sign in to Kafka)']);
  });

  it('connects anonymously only outside production, to an open broker', () => {
    expect(loadServiceConfig({ ...anonymous, NODE_ENV: 'development' }, defaults).kafka).toEqual({ brokers: ['kafka-1:9092', 'kafka-2:9092'], tls: undefined });
  });

  it('needs a password with the principal, from a file or the variable', () => {
    const { KAFKA_SASL_PASSWORD: _p, ...noPassword } = good;
    expect(problemsOf(() => loadServiceConfig(noPassword, defaults))).toEqual(['KAFKA_SASL_PASSWORD (or KAFKA_SASL_PASSWORD_FILE) is required with KAFKA_SASL_USERNAME']);
    expect(loadServiceConfig({ ...noPassword, KAFKA_SASL_PASSWORD_FILE: passwordFile }, defaults).kafka.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'intake', password: 'from-a-file' });
  });

  it('names a password or CA file that is not there, and a mechanism it does not speak', () => {
    expect(problemsOf(() => loadServiceConfig({ ...good, KAFKA_SASL_PASSWORD_FILE: join(dir, 'nope'), KAFKA_TLS_CA_FILE: join(dir, 'nope.pem'), KAFKA_SASL_MECHANISM: 'plain' }, defaults))).toEqual([
      'KAFKA_SASL_PASSWORD_FILE must name a file that exists',
      'KAFKA_SASL_MECHANISM must be one of scram-sha-512, scram-sha-256',
      'KAFKA_TLS_CA_FILE must name a file that exists',
    ]);
  });

  it("signs in as the service itself from a local broker's credentials file, unless a principal is given", () => {
    const credentials = join(dir, 'credentials.json');
    writeFileSync(credentials, JSON.stringify({ intake: 'from-the-broker', routing: 'not-mine' }));
    expect(loadServiceConfig({ ...anonymous, NODE_ENV: 'development', KAFKA_CREDENTIALS_FILE: credentials }, defaults).kafka.sasl).toEqual({
      mechanism: 'scram-sha-512',
      username: 'intake',
      password: 'from-the-broker',
    });
    expect(loadServiceConfig({ ...good, KAFKA_CREDENTIALS_FILE: credentials }, defaults).kafka.sasl?.password).toBe('kafka-s3cret');
  });

  it('goes over TLS against the given CA, or the system CAs with KAFKA_TLS=true', () => {
    expect(loadServiceConfig({ ...good, KAFKA_TLS_CA_FILE: caFile }, defaults).kafka.tls).toEqual({ ca: readFileSync(caFile, 'utf8') });
    expect(loadServiceConfig({ ...good, KAFKA_TLS: 'true' }, defaults).kafka.tls).toEqual({});
    expect(problemsOf(() => loadServiceConfig({ ...good, KAFKA_TLS: 'yes' }, defaults))).toEqual(['KAFKA_TLS must be true or false']);
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
