import { ClassConstructor, plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { ConfigError } from './config.error';
import { IS_REQUIRED } from './env-rules';

/** The shape of `process.env`. */
export type Env = Record<string, string | undefined>;

/** A validated configuration object, or one line per bad variable. */
export type ConfigResult<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/**
 * Reads `env` into an instance of `cls` (a class with `@Expose()`d, class-validator decorated
 * properties named like the variables; field initialisers are defaults) and validates it.
 * Throws {@link ConfigError} naming every bad variable and its rule.
 */
export function loadConfig<T extends object>(cls: ClassConstructor<T>, env: Env = process.env): T {
  const result = validateConfig(cls, env);
  if (!result.ok) throw new ConfigError(result.problems);
  return result.value;
}

/** Like {@link loadConfig} but returns the problems, so several classes can be reported at once. */
export function validateConfig<T extends object>(cls: ClassConstructor<T>, env: Env): ConfigResult<T> {
  const value = plainToInstance(cls, withoutBlanks(env), { excludeExtraneousValues: true, exposeDefaultValues: true });
  const problems = validateSync(value).map(describe);
  return problems.length ? { ok: false, problems } : { ok: true, value };
}

// `FOO=` in a .env file means "not set", so defaults and optional rules apply
function withoutBlanks(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
}

function describe(error: ValidationError): string {
  const constraints = error.constraints ?? {};
  if (constraints[IS_REQUIRED]) return constraints[IS_REQUIRED];
  // several decorators may share one rule message
  return [...new Set(Object.values(constraints))].join('; ') || `${error.property} is invalid`;
}
