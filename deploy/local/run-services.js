// Runs the services for `npm start` (deploy/local/start.sh) and watches them:
//   node deploy/local/run-services.js [--then '<command>'] <name>:<port> ...
// Starts each service (SERVICE_MAIN, default dist/services/{name}/src/main.js, with PORT), keeps its whole
// output in LOG_DIR/<name>.log (default .data/logs) and shows it here one whole line at a time, prefixed with
// the service's name (this process is the only writer, so lines of different services never mix); waits until
// every service is ready (GET /health/ready), then runs the --then command (the demo data). A service that exits
// is reported with its last lines: while starting, that stops everything (exit 1); later the others go on.
// SIGINT / SIGTERM stop every service (SIGTERM, then SIGKILL after 15 s). A service named twice (`intake:3001
// intake:3101`, INSTANCES=2 of start.sh) runs as two instances, the second shown and logged as `<name>#2`.
'use strict';
const { spawn } = require('node:child_process');
const { createWriteStream, mkdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const readline = require('node:readline');
const { nodeFlags } = require('../node-flags.js');

const LOG_DIR = process.env.LOG_DIR || '.data/logs';
const SERVICE_MAIN = process.env.SERVICE_MAIN || 'dist/services/{name}/src/main.js';
const READY_TIMEOUT_MS = Number(process.env.READY_TIMEOUT_MS || 120_000);
const TAIL_LINES = 30;
const NAME_WIDTH = 15;

const LEVELS = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
// pino's fields shown otherwise (or not at all)
const SHOWN = new Set(['level', 'time', 'pid', 'hostname', 'service', 'msg', 'req', 'res', 'responseTime', 'err']);

// Nest's start-up inventory (every module and route, one line each): in the log file only
const QUIET_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

function pinoEntry(line) {
  try {
    const entry = line.startsWith('{') ? JSON.parse(line) : undefined;
    return entry && typeof entry.level === 'number' ? entry : undefined;
  } catch {
    return undefined;
  }
}

/** whether a line of a service's output is shown here (all of them are in its log file) */
function isShown(line) {
  return !QUIET_CONTEXTS.has(pinoEntry(line)?.context);
}

/** One line of a service's output as shown here: `name | time LEVEL message details` for pino's JSON, else as it is. */
function formatLine(name, line) {
  return `${name.padEnd(NAME_WIDTH)}| ${describe(line)}`;
}

function describe(line) {
  const entry = pinoEntry(line);
  if (!entry) return line;
  // the local time of day: the log file keeps the full UTC instant
  const time = typeof entry.time === 'string' && !Number.isNaN(Date.parse(entry.time)) ? new Date(entry.time).toTimeString().slice(0, 8) : '';
  const parts = [time, (LEVELS[entry.level] ?? String(entry.level)).padEnd(5), entry.msg ?? ''];
  if (entry.req && entry.res) parts.push(`${entry.req.method} ${entry.req.url} ${entry.res.statusCode} ${entry.responseTime ?? '?'}ms`);
  if (entry.err) parts.push(`${entry.err.type ?? 'Error'}: ${entry.err.message ?? ''}`);
  const rest = Object.fromEntries(Object.entries(entry).filter(([key]) => !SHOWN.has(key)));
  if (Object.keys(rest).length > 0) parts.push(JSON.stringify(rest));
  return parts.filter((part) => part !== '').join(' ');
}

/** `intake:3001` -> { name, port, label }; `seen` counts the instances of each name so far (label: `intake#2` for the second) */
function parseService(arg, seen = new Map()) {
  const match = /^([a-z][\w-]*):(\d+)$/.exec(arg);
  if (!match) throw new Error(`not a <name>:<port>: ${arg}`);
  const name = match[1];
  const instance = (seen.get(name) ?? 0) + 1;
  seen.set(name, instance);
  return { name, port: Number(match[2]), label: instance === 1 ? name : `${name}#${instance}` };
}

module.exports = { formatLine, isShown, parseService };

function main(argv) {
  const thenAt = argv.indexOf('--then');
  const then = thenAt >= 0 ? argv[thenAt + 1] : undefined;
  const seen = new Map();
  const services = argv.filter((_, i) => thenAt < 0 || (i !== thenAt && i !== thenAt + 1)).map((arg) => parseService(arg, seen));
  const say = (line) => process.stdout.write(`${line}\n`);
  const running = new Map(); // label -> child
  let phase = 'starting'; // starting | running | stopping

  mkdirSync(LOG_DIR, { recursive: true });

  // with RUNTIME_ROLES=1 (npm start) each service connects as its own role support_<name>, whose schema
  // `npm run migrate` migrated and granted; local passwords are the role's name (deploy/local/migrate.sh)
  function runtimeDatabase(name) {
    if (process.env.RUNTIME_ROLES !== '1' || !process.env.DATABASE_URL) return {};
    const url = new URL(process.env.DATABASE_URL);
    url.username = `support_${name.replace(/-/g, '_')}`;
    url.password = process.env[`${url.username.toUpperCase()}_PASSWORD`] || url.username;
    return { DATABASE_URL: url.toString() };
  }

  // each service signs in to Kafka as its own principal, whose password the local broker keeps in
  // KAFKA_CREDENTIALS_FILE (deploy/local/kafka.sh); its ACLs allow only that service's topics and groups
  function kafkaPrincipal(name) {
    const file = process.env.KAFKA_CREDENTIALS_FILE;
    if (!file || process.env.KAFKA_SASL_USERNAME) return {};
    const password = JSON.parse(readFileSync(file, 'utf8'))[name];
    return password ? { KAFKA_SASL_USERNAME: name, KAFKA_SASL_PASSWORD: password } : {};
  }

  function start({ name, port, label }) {
    const main = SERVICE_MAIN.replaceAll('{name}', name);
    const log = join(LOG_DIR, `${label}.log`);
    say(`[start] ${label} on :${port} (log: ${log})`);
    const file = createWriteStream(log, { flags: 'w' });
    const tail = [];
    const child = spawn(process.execPath, [...nodeFlags(), main], {
      env: { ...process.env, PORT: String(port), ...runtimeDatabase(name), ...kafkaPrincipal(name) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        file.write(`${line}\n`);
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
        if (isShown(line)) say(formatLine(label, line));
      });
    }
    running.set(label, child);
    // 'close': after the last of its output was read
    child.on('close', (code, signal) => {
      running.delete(label);
      file.end();
      if (phase === 'stopping') return;
      say(`[start] ${label} exited (${signal ? `signal ${signal}` : `code ${code}`}); its last lines (all of them in ${log}):`);
      for (const line of tail) say(`[start]   ${describe(line)}`);
      if (phase === 'starting') return stop(1, `${label} did not start`);
      if (running.size === 0) return stop(1, 'every service has exited');
      say(`[start] the other services keep running; start ${label} again with: PORT=${port} node ${main}`);
    });
    child.on('error', (error) => say(`[start] ${label} could not be started: ${error.message}`));
  }

  function stop(code, why) {
    if (phase === 'stopping') return;
    phase = 'stopping';
    if (why) say(`[start] ${why}; stopping the services`);
    // every child still here has not closed yet
    const children = [...running.values()];
    for (const child of children) child.kill('SIGTERM');
    const killer = setTimeout(() => children.forEach((child) => child.exitCode === null && child.kill('SIGKILL')), 15_000);
    Promise.all(children.map((child) => new Promise((done) => child.once('close', done)))).then(() => {
      clearTimeout(killer);
      process.exit(code);
    });
  }

  async function ready({ label, port }) {
    const until = Date.now() + READY_TIMEOUT_MS;
    while (phase === 'starting' && running.has(label) && Date.now() < until) {
      const answer = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined);
      if (answer?.ok) return true;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return false;
  }

  function runThen(command) {
    return new Promise((resolve) => {
      const child = spawn('bash', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });
      for (const stream of [child.stdout, child.stderr]) readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', say);
      child.on('close', (code) => resolve(code));
    });
  }

  process.on('SIGINT', () => stop(130));
  process.on('SIGTERM', () => stop(143));

  (async () => {
    services.forEach(start);
    for (const service of services) {
      if (!(await ready(service))) {
        if (phase === 'starting') stop(1, `${service.label} was not ready within ${READY_TIMEOUT_MS / 1000} s`);
        return;
      }
      say(`[start] ${service.label} ready: http://127.0.0.1:${service.port}/docs`);
    }
    if (then) {
      const code = await runThen(then);
      if (code !== 0) return stop(1, `${then} failed (exit ${code})`);
    }
    phase = 'running';
    say(`[start] running; Ctrl-C stops the services (logs: ${LOG_DIR}/)`);
  })();
}

if (require.main === module) main(process.argv.slice(2));
