// deploy/local/run-services.js (what `npm start` runs the services with) over real processes: stand-in
// services on free ports that write lines in pieces, answer /health/ready, and die when asked.
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = join(__dirname, '..', '..', '..');

// a stand-in service: a pino line written on stdout in two pieces 50 ms apart while it chatters on stderr
// (and the other stand-in does the same), /health/ready, /die
const FAKE_SERVICE = `
const http = require('node:http');
const line = JSON.stringify({ level: 30, time: new Date().toISOString(), msg: 'written in two pieces' });
process.stdout.write(line.slice(0, 25));
// it listens (is ready) only once the line is whole: a test that kills it once ready finds the line written
setTimeout(() => {
  process.stdout.write(line.slice(25) + '\\n');
  listen();
}, 50);
let n = 0;
const chatter = setInterval(() => process.stderr.write('chatter ' + ++n + ' ' + 'x'.repeat(200) + '\\n'), 1);
setTimeout(() => clearInterval(chatter), 100);
if (process.env.FAIL_AT_START === require('node:path').basename(__filename, '.js')) {
  console.error('config error: DATABASE_URL must be a postgres URL');
  process.exit(1);
}
const listen = () => http.createServer((req, res) => {
  if (req.url === '/die') {
    res.end();
    console.error('dying on request');
    setTimeout(() => process.exit(3), 10);
    return;
  }
  res.end('ok');
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

interface Supervisor {
  child: ChildProcess;
  output(): string;
  /** resolves once the output holds the text */
  seen(text: string): Promise<void>;
  exited: Promise<number | null>;
}

function supervise(dir: string, services: string[], env: Record<string, string> = {}): Supervisor {
  const child = spawn(process.execPath, [join(repo, 'deploy/local/run-services.js'), '--then', 'echo "[demo] loaded"', ...services], {
    cwd: repo,
    env: { ...process.env, SERVICE_MAIN: join(dir, '{name}.js'), LOG_DIR: join(dir, 'logs'), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const waiting: Array<{ text: string; done: () => void }> = [];
  child.stdout!.on('data', (chunk) => {
    output += chunk;
    for (const wait of waiting.filter((w) => output.includes(w.text))) wait.done();
  });
  return {
    child,
    output: () => output,
    seen: (text) => (output.includes(text) ? Promise.resolve() : new Promise((done) => waiting.push({ text, done }))),
    exited: new Promise((done) => child.on('exit', (code) => done(code))),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const answers = (port: number) =>
  fetch(`http://127.0.0.1:${port}/health/ready`).then(
    (r) => r.ok,
    () => false,
  );

describe('deploy/local/run-services.js', () => {
  let dir: string;
  let running: Supervisor | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'run-services-'));
    for (const name of ['fake-a', 'fake-b']) writeFileSync(join(dir, `${name}.js`), FAKE_SERVICE);
  });

  afterEach(async () => {
    if (running && running.child.exitCode === null) {
      running.child.kill('SIGKILL');
      await running.exited;
    }
    running = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows whole lines behind each name, reports a service that dies later with its last lines, and stops the rest on SIGTERM', async () => {
    const [a, b] = [await freePort(), await freePort()];
    running = supervise(dir, [`fake-a:${a}`, `fake-b:${b}`]);
    await running.seen('[start] running');

    await fetch(`http://127.0.0.1:${b}/die`);
    await running.seen('[start] the other services keep running');
    expect(running.output()).toContain('[start] fake-b exited (code 3); its last lines');
    expect(running.output()).toContain('[start]   dying on request');
    expect(await answers(a)).toBe(true);

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(143);
    expect(await answers(a)).toBe(false);

    const lines = running.output().trimEnd().split('\n');
    // every line whole: the supervisor's, the demo's, or one service's behind its name
    expect(lines.filter((line) => !/^(\[start\] |\[demo\] loaded$|fake-a {9}\| |fake-b {9}\| )/.test(line))).toEqual([]);
    const chatter = lines.filter((line) => /^fake-[ab] {9}\| chatter/.test(line));
    expect(chatter.length).toBeGreaterThan(10);
    expect(chatter.filter((line) => !/^fake-[ab] {9}\| chatter \d+ x{200}$/.test(line))).toEqual([]);
    // once behind each name (a dead service's last lines, repeated behind [start], may hold it again)
    expect(lines.filter((line) => /^fake-[ab] {9}\| .*INFO {2}written in two pieces$/.test(line))).toHaveLength(2);
    expect(readFileSync(join(dir, 'logs', 'fake-b.log'), 'utf8')).toContain('dying on request\n');
  }, 30_000);

  it('stops everything and exits 1 when a service dies while starting, showing its last lines', async () => {
    const [a, b] = [await freePort(), await freePort()];
    running = supervise(dir, [`fake-a:${a}`, `fake-b:${b}`], { FAIL_AT_START: 'fake-b' });

    expect(await running.exited).toBe(1);
    expect(running.output()).toContain('[start] fake-b exited (code 1); its last lines');
    expect(running.output()).toContain('[start]   config error: DATABASE_URL must be a postgres URL');
    expect(running.output()).toContain('[start] fake-b did not start; stopping the services');
    expect(running.output()).not.toContain('[demo] loaded');
    expect(await answers(a)).toBe(false);
  }, 30_000);
});
