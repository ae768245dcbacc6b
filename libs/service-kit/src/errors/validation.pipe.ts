import { BadRequestException, ValidationPipe, ValidationPipeOptions } from '@nestjs/common';
import { ValidationError } from 'class-validator';

/**
 * The global pipe: strips nothing silently (unknown properties are rejected), transforms payloads
 * into DTO instances, and reports every failing field by its full path, e.g.
 * `customer.phone must be a string`, as HTTP 400 `{ statusCode, error, message: string[] }`.
 */
export function createValidationPipe(options: ValidationPipeOptions = {}): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    ...options,
    exceptionFactory: (errors) => new BadRequestException(validationMessages(errors)),
  });
}

/** One message per failed constraint, each naming the field by its dotted path (`items.0.sku`). */
export function validationMessages(errors: ValidationError[], parentPath = ''): string[] {
  return errors.flatMap((error) => {
    const path = parentPath ? `${parentPath}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([name, message]) => withPath(name, message, error.property, path));
    return [...own, ...validationMessages(error.children ?? [], path)];
  });
}

function withPath(constraint: string, message: string, property: string, path: string): string {
  if (constraint === 'whitelistValidation') return `property ${path} should not exist`;
  if (message.startsWith(`${property} `)) return `${path}${message.slice(property.length)}`;
  return `${path}: ${message}`;
}
