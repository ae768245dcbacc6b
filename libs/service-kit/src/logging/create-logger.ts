import pino, { DestinationStream, Logger } from 'pino';

/**
 * The root logger of a service: JSON lines (stdout unless `destination` is given) carrying
 * `service` and an ISO time. Credentials that might slip into a logged object are redacted.
 */
export function createLogger(serviceName: string, level = 'info', destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: serviceName, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.secret'], censor: '[redacted]' },
    },
    destination,
  );
}
