import { LoggerService, LogLevel } from '@nestjs/common';
import { Level, Logger } from 'pino';

const LEVELS: Record<LogLevel, Level> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/**
 * Nest's `LoggerService` over a pino logger, so framework messages (`new Logger(ctx).log(...)`)
 * land in the same JSON stream with `context` as a field.
 */
export class PinoLoggerService implements LoggerService {
  constructor(readonly pino: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('log', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('verbose', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: LogLevel, message: unknown, params: unknown[]): void {
    // nest passes (message, context) or, for errors, (message, stack, context)
    const rest = [...params];
    const context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const stack = rest.find((p): p is string => typeof p === 'string' && /\n\s+at /.test(p));
    const fields: Record<string, unknown> = { context };
    if (stack) fields.stack = stack;

    if (message instanceof Error) {
      this.pino[LEVELS[level]]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.pino[LEVELS[level]]({ ...fields, ...(message as object) });
    } else {
      this.pino[LEVELS[level]](fields, String(message));
    }
  }
}
