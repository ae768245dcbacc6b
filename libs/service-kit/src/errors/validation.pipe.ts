import { ValidationPipe, ValidationPipeOptions } from '@nestjs/common';
import { ValidationError } from 'class-validator';
import { FieldError, InvalidFieldsException } from './problem-details';

/**
 * The global pipe: strips nothing silently (unknown properties are rejected), transforms payloads
 * into DTO instances, and reports every failing field by its full path, e.g.
 * `customer.phone must be a string`, as HTTP 400 with one {@link FieldError} per failed rule.
 */
export function createValidationPipe(options: ValidationPipeOptions = {}): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    ...options,
    exceptionFactory: (errors) => new InvalidFieldsException(fieldErrors(errors)),
  });
}

/** One message per failed constraint, each naming the field by its dotted path (`items.0.sku`). */
export function validationMessages(errors: ValidationError[]): string[] {
  return fieldErrors(errors).map((error) => error.detail);
}

/** One {@link FieldError} per failed constraint, the field by its dotted path (`items.0.sku`). */
export function fieldErrors(errors: ValidationError[], parentPath = ''): FieldError[] {
  return errors.flatMap((error) => {
    const path = parentPath ? `${parentPath}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({ field: path, rule, detail: withPath(rule, message, error.property, path) }));
    return [...own, ...fieldErrors(error.children ?? [], path)];
  });
}

function withPath(constraint: string, message: string, property: string, path: string): string {
  if (constraint === 'whitelistValidation') return `property ${path} should not exist`;
  if (message.startsWith(`${property} `)) return `${path}${message.slice(property.length)}`;
  return `${path}: ${message}`;
}
