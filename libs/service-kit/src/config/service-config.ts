import { ClassConstructor } from 'class-transformer';
import { KafkaConnection, kafkaConnectionFromEnv } from '@support/messaging';
import { ConfigError } from './config.error';
import { Env, validateConfig } from './load-config';
import { DEV_JWT_SECRET, isDevEnv, LogLevel, ServiceEnv } from './service-env';

/** How a service verifies bearer tokens. */
export interface AuthConfig {
  /** HS256 secret (`AUTH_JWT_SECRET`); required unless `jwksUrl` is set, and then unused. */
  jwtSecret?: string;
  /** When set, tokens are verified against this JWKS (asymmetric algorithms) instead of the secret. */
  jwksUrl?: string;
  audience?: string;
  issuer?: string;
  /** the longest a token may live, exp - iat (`AUTH_MAX_TOKEN_LIFETIME_SECONDS`, default 12 h) */
  maxTokenLifetimeSeconds?: number;
}

/** How many writes (POST, PUT, PATCH, DELETE) one caller may send. */
export interface RateLimitConfig {
  /** `RATE_LIMIT_WRITES_PER_MINUTE`, per token `sub` (or per IP for unauthenticated calls). */
  writesPerMinute: number;
}

/** Validated configuration every service gets. */
export interface ServiceConfig {
  serviceName: string;
  nodeEnv?: string;
  port: number;
  /** `OPS_PORT`: where /metrics and /docs answer (only there); unset, they are on `port` (development) */
  opsPort?: number;
  databaseUrl: string;
  /** the brokers and the service's principal (KAFKA_BROKERS, KAFKA_SASL_*, KAFKA_TLS*) */
  kafka: KafkaConnection;
  logLevel: LogLevel;
  auth: AuthConfig;
  /** Left out (tests, harnesses): `DEFAULT_WRITES_PER_MINUTE`. */
  rateLimit?: RateLimitConfig;
  /** `IDEMPOTENCY_KEY_TTL_SECONDS`: how long an Idempotency-Key's answer is replayed. Left out: 24 h. */
  idempotencyKeyTtlSeconds?: number;
}

/** Per-service defaults: the port of API.md's table and the service's name. */
export interface ServiceDefaults {
  port: number;
  serviceName: string;
}

/**
 * Reads and validates the common variables (and, when `extra` is given, the service's own class
 * in the same pass). Throws {@link ConfigError} naming every bad variable and its rule.
 */
export function loadServiceConfig(env: Env | undefined, defaults: ServiceDefaults): ServiceConfig;
export function loadServiceConfig<E extends object>(env: Env | undefined, defaults: ServiceDefaults, extra: ClassConstructor<E>): ServiceConfig & { extra: E };
export function loadServiceConfig<E extends object>(
  env: Env = process.env,
  defaults: ServiceDefaults,
  extra?: ClassConstructor<E>,
): ServiceConfig | (ServiceConfig & { extra: E }) {
  const source = withDefaults(env, defaults);
  const common = validateConfig(ServiceEnv, source);
  const own = extra ? validateConfig(extra, source) : undefined;
  if (!common.ok || (own && !own.ok)) {
    // a class extending ServiceEnv reports the common variables twice
    throw new ConfigError([...new Set([...(common.ok ? [] : common.problems), ...(own && !own.ok ? own.problems : [])])]);
  }
  const config = toServiceConfig(common.value, defaults.serviceName);
  return own?.ok ? { ...config, extra: own.value } : config;
}

function withDefaults(env: Env, defaults: ServiceDefaults): Env {
  const blank = (value: string | undefined) => value === undefined || value.trim() === '';
  return {
    ...env,
    PORT: blank(env.PORT) ? String(defaults.port) : env.PORT,
    // the development secret only in development and test, and never beside a JWKS
    AUTH_JWT_SECRET: blank(env.AUTH_JWT_SECRET) && isDevEnv(env.NODE_ENV) && blank(env.AUTH_JWKS_URL) ? DEV_JWT_SECRET : env.AUTH_JWT_SECRET,
  };
}

function toServiceConfig(env: ServiceEnv, serviceName: string): ServiceConfig {
  return {
    serviceName,
    nodeEnv: env.NODE_ENV,
    port: env.PORT,
    opsPort: env.OPS_PORT,
    databaseUrl: env.DATABASE_URL,
    // a service started by hand on the local broker finds its own password in the broker's credentials file
    kafka: kafkaConnectionFromEnv({ ...env, KAFKA_BROKERS: env.KAFKA_BROKERS.join(',') }, serviceName),
    logLevel: env.LOG_LEVEL,
    auth: {
      jwtSecret: env.AUTH_JWT_SECRET,
      jwksUrl: env.AUTH_JWKS_URL,
      audience: env.AUTH_AUDIENCE,
      issuer: env.AUTH_ISSUER,
      maxTokenLifetimeSeconds: env.AUTH_MAX_TOKEN_LIFETIME_SECONDS,
    },
    rateLimit: { writesPerMinute: env.RATE_LIMIT_WRITES_PER_MINUTE },
    idempotencyKeyTtlSeconds: env.IDEMPOTENCY_KEY_TTL_SECONDS,
  };
}
