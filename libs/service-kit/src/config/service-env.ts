import { Expose, Transform } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  ValidateBy,
  ValidateIf,
  ValidationArguments,
} from 'class-validator';
import { existsSync } from 'node:fs';
import { KAFKA_SASL_MECHANISMS } from '@support/messaging';
import { DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS } from '@support/contracts';
import { HOST_PORT, IsRequired, toInteger, toList } from './env-rules';

/** Log levels accepted in `LOG_LEVEL` (pino's). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** NODE_ENV values under which `AUTH_JWT_SECRET` may be left out. */
export const DEV_NODE_ENVS = ['development', 'test'] as const;

/** Signing secret used when `NODE_ENV` is development or test and `AUTH_JWT_SECRET` is unset. Never for production. */
export const DEV_JWT_SECRET = 'dev-only-secret-do-not-use-in-production';

/** Minimum `AUTH_JWT_SECRET` length in bytes (UTF-8) when `NODE_ENV=production` (256 bits for HS256). */
export const MIN_PRODUCTION_SECRET_LENGTH = 32;

/** Default of `AUTH_MAX_TOKEN_LIFETIME_SECONDS`: a working day and a half (12 h). */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 12 * 3600;

const LIFETIME_RULE = '$property must be an integer between 60 and 604800 (seconds a token may live, exp - iat)';

/** Default of `RATE_LIMIT_WRITES_PER_MINUTE`: generous, so benchmarks and tests are not throttled. */
export const DEFAULT_WRITES_PER_MINUTE = 600;

/** Highest `RATE_LIMIT_WRITES_PER_MINUTE` accepted (high enough to switch the limit off in practice). */
export const MAX_WRITES_PER_MINUTE = 1_000_000;

/** Longest `IDEMPOTENCY_KEY_TTL_SECONDS` accepted: 30 days. */
export const MAX_IDEMPOTENCY_KEY_TTL_SECONDS = 30 * 24 * 3600;

const PORT_RULE = '$property must be an integer between 1 and 65535';
const POSTGRES_URL_RULE = '$property must be a postgres URL (postgres://user:password@host:port/database)';
const BROKERS_RULE = '$property must be a comma-separated list of host:port';
const SASL_MECHANISM_RULE = `$property must be one of ${KAFKA_SASL_MECHANISMS.join(', ')}`;
const IDEMPOTENCY_KEY_TTL_RULE = `$property must be an integer between 1 and ${MAX_IDEMPOTENCY_KEY_TTL_SECONDS} (seconds a stored Idempotency-Key answer is replayed)`;
const WRITES_PER_MINUTE_RULE = `$property must be an integer between 1 and ${MAX_WRITES_PER_MINUTE} (writes per caller per minute)`;

/**
 * The variables every service reads (API.md, "Every service"). Extend it, or write a sibling class,
 * for a service's own variables: `@Expose()` each property and validate it with class-validator.
 */
export class ServiceEnv {
  @Expose()
  @IsOptional()
  @IsString()
  NODE_ENV?: string;

  @Expose()
  @Transform(toInteger)
  @IsRequired()
  @IsInt({ message: PORT_RULE })
  @Min(1, { message: PORT_RULE })
  @Max(65535, { message: PORT_RULE })
  PORT!: number;

  @Expose()
  @IsRequired()
  @IsUrl(
    { protocols: ['postgres', 'postgresql'], require_protocol: true, require_tld: false, allow_underscores: true },
    { message: POSTGRES_URL_RULE },
  )
  DATABASE_URL!: string;

  @Expose()
  @Transform(toList)
  @IsRequired()
  @ArrayNotEmpty({ message: BROKERS_RULE })
  @Matches(HOST_PORT, { each: true, message: BROKERS_RULE })
  KAFKA_BROKERS!: string[];

  /** the service's Kafka principal (SASL/SCRAM); required in production */
  @Expose()
  @IsRequiredInProduction('services sign in to Kafka')
  KAFKA_SASL_USERNAME?: string;

  @Expose()
  @IsKafkaPassword()
  KAFKA_SASL_PASSWORD?: string;

  @Expose()
  @IsOptional()
  @IsReadableFile()
  KAFKA_SASL_PASSWORD_FILE?: string;

  @Expose()
  @IsIn(KAFKA_SASL_MECHANISMS, { message: SASL_MECHANISM_RULE })
  KAFKA_SASL_MECHANISM: string = 'scram-sha-512';

  @Expose()
  @IsOptional()
  @IsIn(['true', 'false'], { message: '$property must be true or false' })
  KAFKA_TLS?: string;

  @Expose()
  @IsOptional()
  @IsReadableFile()
  KAFKA_TLS_CA_FILE?: string;

  /** a local broker's credentials.json (`npm run infra:up` exports it): without KAFKA_SASL_USERNAME, the service signs in as itself */
  @Expose()
  @IsOptional()
  @IsReadableFile()
  KAFKA_CREDENTIALS_FILE?: string;

  @Expose()
  @IsJwtSecret()
  AUTH_JWT_SECRET?: string;

  @Expose()
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: '$property must be an http(s) URL' })
  @IsHttpsOutsideDev()
  AUTH_JWKS_URL?: string;

  @Expose()
  @Transform(toInteger)
  @IsInt({ message: LIFETIME_RULE })
  @Min(60, { message: LIFETIME_RULE })
  @Max(7 * 24 * 3600, { message: LIFETIME_RULE })
  AUTH_MAX_TOKEN_LIFETIME_SECONDS: number = DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;

  @Expose()
  @IsRequiredInProduction('the `aud` every token must carry')
  @IsString()
  AUTH_AUDIENCE?: string;

  @Expose()
  @IsRequiredInProduction('the `iss` every token must carry')
  @IsString()
  AUTH_ISSUER?: string;

  @Expose()
  @Transform(toInteger)
  @IsInt({ message: WRITES_PER_MINUTE_RULE })
  @Min(1, { message: WRITES_PER_MINUTE_RULE })
  @Max(MAX_WRITES_PER_MINUTE, { message: WRITES_PER_MINUTE_RULE })
  RATE_LIMIT_WRITES_PER_MINUTE: number = DEFAULT_WRITES_PER_MINUTE;

  @Expose()
  @Transform(toInteger)
  @IsInt({ message: IDEMPOTENCY_KEY_TTL_RULE })
  @Min(1, { message: IDEMPOTENCY_KEY_TTL_RULE })
  @Max(MAX_IDEMPOTENCY_KEY_TTL_SECONDS, { message: IDEMPOTENCY_KEY_TTL_RULE })
  IDEMPOTENCY_KEY_TTL_SECONDS: number = DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS;

  /** the operators' port: /metrics and /docs answer there only; required in production */
  @Expose()
  @Transform(toInteger)
  @IsRequiredInProduction('/metrics and /docs are for operators: a port of their own, not published')
  @IsInt({ message: PORT_RULE })
  @Min(1, { message: PORT_RULE })
  @Max(65535, { message: PORT_RULE })
  @IsOtherThanPort()
  OPS_PORT?: number;

  @Expose()
  @IsIn(LOG_LEVELS, { message: `$property must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';
}

/** True when `NODE_ENV` allows development defaults. */
export function isDevEnv(nodeEnv: string | undefined): boolean {
  return (DEV_NODE_ENVS as readonly (string | undefined)[]).includes(nodeEnv);
}

// the key length jose sees: UTF-8 bytes, not characters
function secretBytes(secret: string): number {
  return Buffer.byteLength(secret, 'utf8');
}

// one rule whose wording depends on NODE_ENV and AUTH_JWKS_URL, so it lives in one validator
function IsJwtSecret(): PropertyDecorator {
  return ValidateBy({
    name: 'isJwtSecret',
    validator: {
      validate(value: unknown, args?: ValidationArguments): boolean {
        const env = args?.object as ServiceEnv | undefined;
        // tokens are then checked against the published keys, the secret is never used
        if (env?.AUTH_JWKS_URL) return true;
        if (typeof value !== 'string' || value === '') return isDevEnv(env?.NODE_ENV) && value === undefined;
        // the development secret is published in this repository: anyone could sign with it
        return env?.NODE_ENV !== 'production' || (secretBytes(value) >= MIN_PRODUCTION_SECRET_LENGTH && value !== DEV_JWT_SECRET);
      },
      defaultMessage(args?: ValidationArguments): string {
        if (args?.value === DEV_JWT_SECRET) return '$property must not be the published development secret when NODE_ENV is production';
        return typeof args?.value === 'string' && args.value !== ''
          ? `$property must be at least ${MIN_PRODUCTION_SECRET_LENGTH} bytes when NODE_ENV is production (or set AUTH_JWKS_URL)`
          : '$property is required unless NODE_ENV is development or test or AUTH_JWKS_URL is set';
      },
    },
  });
}

// what production may not leave to chance: who tokens are for and who issues them (a token minted for
// another system with the same key must not pass here), and who the service is to Kafka (an anonymous
// client could not be told from anyone else)
function IsRequiredInProduction(what: string): PropertyDecorator {
  const whenSetOrInProduction = ValidateIf((env: ServiceEnv, value: unknown) => value !== undefined || env.NODE_ENV === 'production');
  const required = IsRequired({ message: `$property is required when NODE_ENV is production (${what})` });
  return (target, property) => {
    whenSetOrInProduction(target, property);
    required(target, property);
  };
}

// keys fetched over plain http could be swapped on the way: only a local identity provider in
// development or test may serve them so
function IsHttpsOutsideDev(): PropertyDecorator {
  return ValidateBy({
    name: 'isHttpsOutsideDev',
    validator: {
      validate(value: unknown, args?: ValidationArguments): boolean {
        const env = args?.object as ServiceEnv | undefined;
        // only plain http is this rule's to refuse; anything that is no URL at all is IsUrl's
        return typeof value !== 'string' || isDevEnv(env?.NODE_ENV) || !/^http:\/\//i.test(value);
      },
      defaultMessage: () => '$property must be an https URL unless NODE_ENV is development or test',
    },
  });
}

function IsOtherThanPort(): PropertyDecorator {
  return ValidateBy({
    name: 'isOtherThanPort',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => value !== (args?.object as ServiceEnv | undefined)?.PORT,
      defaultMessage: () => '$property must differ from PORT',
    },
  });
}

function IsKafkaPassword(): PropertyDecorator {
  return ValidateBy({
    name: 'isKafkaPassword',
    validator: {
      validate(value: unknown, args?: ValidationArguments): boolean {
        const env = args?.object as ServiceEnv | undefined;
        if (!env?.KAFKA_SASL_USERNAME?.trim() || env.KAFKA_SASL_PASSWORD_FILE?.trim()) return true;
        return typeof value === 'string' && value !== '';
      },
      defaultMessage: () => '$property (or KAFKA_SASL_PASSWORD_FILE) is required with KAFKA_SASL_USERNAME',
    },
  });
}

function IsReadableFile(): PropertyDecorator {
  return ValidateBy({
    name: 'isReadableFile',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && value.trim() !== '' && existsSync(value.trim()),
      defaultMessage: () => '$property must name a file that exists',
    },
  });
}
