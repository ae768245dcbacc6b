import { ValidateBy, ValidationOptions } from 'class-validator';

/** Fails when the variable is unset or blank; reported alone, without the variable's other rules. */
export function IsRequired(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: IS_REQUIRED,
      validator: {
        validate: (value: unknown) => value !== undefined && value !== null && value !== '',
        defaultMessage: () => '$property is required',
      },
    },
    validationOptions,
  );
}

export const IS_REQUIRED = 'isRequired';

/** Turns a decimal string into a number and leaves anything else as is, for the validators to reject. */
export function toInteger({ value }: { value: unknown }): unknown {
  return typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
}

/** Splits a comma-separated variable into trimmed, non-empty items. */
export function toList({ value }: { value: unknown }): unknown {
  return typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '')
    : value;
}

// host or [ipv6] followed by a port in 1..65535
export const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+):(6553[0-5]|655[0-2]\d|65[0-4]\d{2}|6[0-4]\d{3}|[1-5]\d{4}|[1-9]\d{0,3})$/;
