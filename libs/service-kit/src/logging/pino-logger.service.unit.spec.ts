import { createLogger } from './create-logger';
import { PinoLoggerService } from './pino-logger.service';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('svc', 'trace', { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { lines, nest: new PinoLoggerService(logger) };
}

describe('PinoLoggerService', () => {
  it('maps nest levels and context onto pino', () => {
    const { lines, nest } = capture();
    nest.log('started', 'Bootstrap');
    nest.warn('slow', 'Db');
    nest.verbose('detail');
    expect(lines).toEqual([
      expect.objectContaining({ level: 30, msg: 'started', context: 'Bootstrap', service: 'svc' }),
      expect.objectContaining({ level: 40, msg: 'slow', context: 'Db' }),
      expect.objectContaining({ level: 10, msg: 'detail' }),
    ]);
    expect(typeof lines[0].time).toBe('string');
  });

  it('keeps the stack of errors, given as an Error or as nest’s (message, stack, context)', () => {
    const { lines, nest } = capture();
    nest.error(new Error('boom'), 'Filter');
    const err = new Error('bang');
    nest.error('failed', err.stack, 'Worker');
    expect(lines[0]).toMatchObject({ level: 50, msg: 'boom', context: 'Filter', err: { message: 'boom', type: 'Error' } });
    expect((lines[0].err as { stack: string }).stack).toContain('pino-logger.service.unit.spec');
    expect(lines[1]).toMatchObject({ level: 50, msg: 'failed', context: 'Worker', stack: err.stack });
  });

  it('merges objects into the line and redacts secrets', () => {
    const { lines, nest } = capture();
    nest.log({ msg: 'connected', db: { host: 'h', password: 'p' } }, 'Db');
    expect(lines[0]).toMatchObject({ msg: 'connected', context: 'Db', db: { host: 'h', password: '[redacted]' } });
  });
});
