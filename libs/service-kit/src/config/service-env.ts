import { Expose, Transform } from 'class-transformer';
import { ArrayNotEmpty, IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min } from 'class-validator';
import { KAFKA_SASL_MECHANISMS } from '@support/messaging';
import { DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS } from '@support/contracts';
import { HOST_PORT, IsRequired, toInteger, toList } from './env-rules';
import {
  DEV_JWT_SECRET,
  DEV_NODE_ENVS,
  isDevEnv,
  IsHttpsOutsideDev,
  IsJwtSecret,
  IsKafkaPassword,
  IsOtherThanPort,
  IsReadableFile,
  IsRequiredInProduction,
  MIN_PRODUCTION_SECRET_LENGTH,
} from './production-rules';

export { DEV_JWT_SECRET, DEV_NODE_ENVS, isDevEnv, MIN_PRODUCTION_SECRET_LENGTH };

/** Log levels accepted in `LOG_LEVEL` (pino's). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

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
  @IsUrl({ protocols: ['postgres', 'postgresql'], require_protocol: true, require_tld: false, allow_underscores: true }, { message: POSTGRES_URL_RULE })
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
