import { existsSync } from 'node:fs';
import { ValidateBy, ValidateIf, ValidationArguments } from 'class-validator';
import { IsRequired } from './env-rules';
import type { ServiceEnv } from './service-env';

/** NODE_ENV values under which `AUTH_JWT_SECRET` may be left out. */
export const DEV_NODE_ENVS = ['development', 'test'] as const;

/** Signing secret used when `NODE_ENV` is development or test and `AUTH_JWT_SECRET` is unset. Never for production. */
export const DEV_JWT_SECRET = 'dev-only-secret-do-not-use-in-production';

/** Minimum `AUTH_JWT_SECRET` length in bytes (UTF-8) when `NODE_ENV=production` (256 bits for HS256). */
export const MIN_PRODUCTION_SECRET_LENGTH = 32;

/** True when `NODE_ENV` allows development defaults. */
export function isDevEnv(nodeEnv: string | undefined): boolean {
  return (DEV_NODE_ENVS as readonly (string | undefined)[]).includes(nodeEnv);
}

// the key length jose sees: UTF-8 bytes, not characters
function secretBytes(secret: string): number {
  return Buffer.byteLength(secret, 'utf8');
}

// one rule whose wording depends on NODE_ENV and AUTH_JWKS_URL, so it lives in one validator
export function IsJwtSecret(): PropertyDecorator {
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
export function IsRequiredInProduction(what: string): PropertyDecorator {
  const whenSetOrInProduction = ValidateIf((env: ServiceEnv, value: unknown) => value !== undefined || env.NODE_ENV === 'production');
  const required = IsRequired({ message: `$property is required when NODE_ENV is production (${what})` });
  return (target, property) => {
    whenSetOrInProduction(target, property);
    required(target, property);
  };
}

// keys fetched over plain http could be swapped on the way: only a local identity provider in
// development or test may serve them so
export function IsHttpsOutsideDev(): PropertyDecorator {
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

export function IsOtherThanPort(): PropertyDecorator {
  return ValidateBy({
    name: 'isOtherThanPort',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => value !== (args?.object as ServiceEnv | undefined)?.PORT,
      defaultMessage: () => '$property must differ from PORT',
    },
  });
}

export function IsKafkaPassword(): PropertyDecorator {
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

export function IsReadableFile(): PropertyDecorator {
  return ValidateBy({
    name: 'isReadableFile',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && value.trim() !== '' && existsSync(value.trim()),
      defaultMessage: () => '$property must name a file that exists',
    },
  });
}
