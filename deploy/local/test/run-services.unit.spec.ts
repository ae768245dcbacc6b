// deploy/local/run-services.js shows each service's pino lines as one short line behind the service's name.
const { formatLine, isShown, parseService } = require('../run-services.js') as {
  formatLine(name: string, line: string): string;
  isShown(line: string): boolean;
  parseService(arg: string, seen?: Map<string, number>): { name: string; port: number; label: string };
};

const at = '2026-12-06T06:50:01.084Z';
const localTime = new Date(at).toTimeString().slice(0, 8);

describe('run-services formatLine', () => {
  it("shows a pino line's time, level and message behind the service's name", () => {
    const line = JSON.stringify({ level: 30, time: at, pid: 7, service: 'intake', msg: 'intake listening', port: 3001 });
    expect(formatLine('intake', line)).toBe(`intake         | ${localTime} INFO  intake listening {"port":3001}`);
  });

  it('shows a request as method, url, status and time, and an error by its type and message', () => {
    const request = JSON.stringify({
      level: 40,
      time: at,
      service: 'routing',
      msg: 'request completed',
      req: { id: 'r1', method: 'POST', url: '/v1/assignments' },
      res: { statusCode: 409 },
      responseTime: 12,
    });
    expect(formatLine('routing', request)).toBe(`routing        | ${localTime} WARN  request completed POST /v1/assignments 409 12ms`);
    const failure = JSON.stringify({
      level: 50,
      time: at,
      msg: 'background error',
      err: { type: 'KafkaJSError', message: 'broker down', stack: 'KafkaJSError: broker down\n    at x' },
    });
    expect(formatLine('dashboard', failure)).toBe(`dashboard      | ${localTime} ERROR background error KafkaJSError: broker down`);
  });

  it('passes any other line as it is', () => {
    expect(formatLine('intake', 'node:internal/modules/cjs/loader:1228')).toBe('intake         | node:internal/modules/cjs/loader:1228');
    expect(formatLine('intake', '{"not pino": true}')).toBe('intake         | {"not pino": true}');
    expect(formatLine('intake', '{broken')).toBe('intake         | {broken');
  });
});

describe('run-services isShown', () => {
  it("leaves Nest's start-up inventory of modules and routes to the log file", () => {
    expect(isShown(JSON.stringify({ level: 30, context: 'RouterExplorer', msg: 'Mapped {/v1/tickets, POST} route' }))).toBe(false);
    expect(isShown(JSON.stringify({ level: 30, context: 'InstanceLoader', msg: 'AppModule dependencies initialized' }))).toBe(false);
    expect(isShown(JSON.stringify({ level: 30, context: 'NestApplication', msg: 'Nest application successfully started' }))).toBe(true);
    expect(isShown('plain text')).toBe(true);
  });
});

describe('run-services parseService', () => {
  it('reads <name>:<port> and refuses anything else', () => {
    expect(parseService('sla-monitor:3003')).toEqual({ name: 'sla-monitor', port: 3003, label: 'sla-monitor' });
    // a second instance of a service (INSTANCES=2): the same service, its own label (output, log file)
    const seen = new Map<string, number>();
    expect([parseService('intake:3001', seen), parseService('intake:3101', seen)]).toEqual([
      { name: 'intake', port: 3001, label: 'intake' },
      { name: 'intake', port: 3101, label: 'intake#2' },
    ]);
    expect(() => parseService('intake')).toThrow('not a <name>:<port>: intake');
  });
});
