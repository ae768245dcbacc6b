import { Body, Controller, Get, Logger, Module, Post } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { IsString } from 'class-validator';
import { createLogger, createServiceApp, Public } from '../src';
import { SampleModule } from './support/sample.module';
import { sampleConfig } from './support/serve-sample';

// every line logged while a request is handled names the request and the client's correlation id: the app's
// own log lines (through Nest's Logger), after the body is read and after an await, and the request's last line

class NoteDto {
  @IsString()
  text!: string;
}

@Public()
@Controller('v1/notes')
class NoteController {
  private readonly logger = new Logger('Notes');

  @Post()
  async take(@Body() note: NoteDto) {
    // the handler's own work, asynchronous as any database call
    await new Promise((resolve) => setTimeout(resolve, 20));
    this.logger.log(`noted ${note.text}`);
    return { noted: note.text };
  }

  @Get()
  list() {
    this.logger.log('listed');
    return [];
  }
}

@Module({})
class NotesModule {}

const config = sampleConfig({ auth: { jwtSecret: 'request-log-context-secret-long-enough-0123456789' } });

describe('request log context', () => {
  const lines: Array<Record<string, unknown>> = [];
  let app: NestFastifyApplication;
  let url: string;

  beforeAll(async () => {
    const logger = createLogger('sample', 'info', { write: (line: string) => void lines.push(JSON.parse(line)) });
    app = await createServiceApp({ module: NotesModule, imports: [SampleModule.register(config, { probes: [] })], controllers: [NoteController] }, config, { logger });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });

  afterAll(() => app.close());

  const note = (text: string, headers: Record<string, string> = {}) =>
    fetch(`${url}/v1/notes`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ text }) });
  const lineOf = (msg: string) => lines.find((line) => line.msg === msg);

  it('puts the request id and the X-Correlation-Id on the handler’s lines and on the request’s own, for each of concurrent requests', async () => {
    const answers = await Promise.all(['a', 'b', 'c'].map((text) => note(text, { 'x-correlation-id': `order-${text}`, 'x-request-id': `req-${text}` })));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
    for (const text of ['a', 'b', 'c']) {
      expect(lineOf(`noted ${text}`)).toMatchObject({ context: 'Notes', requestId: `req-${text}`, correlationId: `order-${text}` });
    }
    const completed = lines.filter((line) => line.msg === 'request completed' && (line.req as { url: string }).url === '/v1/notes');
    expect(completed.map((line) => [line.requestId, line.correlationId]).sort()).toEqual([
      ['req-a', 'order-a'],
      ['req-b', 'order-b'],
      ['req-c', 'order-c'],
    ]);
  });

  it('gives a request without X-Correlation-Id its request id alone, the one X-Request-Id answers', async () => {
    const answer = await fetch(`${url}/v1/notes`);
    expect(answer.status).toBe(200);
    const listed = lineOf('listed')!;
    expect(listed.requestId).toBe(answer.headers.get('x-request-id'));
    expect(listed).not.toHaveProperty('correlationId');
  });

  it('carries no request’s ids on lines logged outside a request', async () => {
    new Logger('Startup').log('outside');
    expect(lineOf('outside')).not.toHaveProperty('requestId');
  });
});
