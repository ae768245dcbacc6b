import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

// CPU time of processes from /proc (Linux only): the capacity bench's per-process meter. A PostgreSQL
// backend is charged to the service process whose socket it serves (the backend's title names the
// client's port), so the database's CPU splits by service even though the roles are shared.

// USER_HZ: 100 on every Linux the bench runs on (getconf CLK_TCK)
const TICK_MS = 10;

/** utime + stime of a process, ms; 0 once it has exited */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** the whole machine: busy and total CPU time since boot, ms (all cores) */
export function machineCpuMs(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  // idle and iowait are the 4th and 5th
  const idle = ticks[3] + (ticks[4] ?? 0);
  return { busy: (total - idle) * TICK_MS, total: total * TICK_MS };
}

function processIds(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** pids whose command line matches, e.g. every PostgreSQL process or the Kafka broker's JVM */
export function pidsMatching(pattern: RegExp): number[] {
  return processIds().filter((pid) => pattern.test(commandLine(pid)));
}

/** the local ports of a process's TCP connections to `remotePort` (its PostgreSQL connections for 5432) */
function clientPorts(pid: number, remotePort: number): number[] {
  let inodes: Set<string>;
  try {
    inodes = new Set(
      readdirSync(`/proc/${pid}/fd`)
        .map((fd) => {
          try {
            return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
          } catch {
            return undefined;
          }
        })
        .filter((inode): inode is string => inode !== undefined),
    );
  } catch {
    return [];
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const row of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = row.trim().split(/\s+/);
      if (cols.length < 10 || !inodes.has(cols[9])) continue;
      const local = parseInt(cols[1].split(':').pop()!, 16);
      const remote = parseInt(cols[2].split(':').pop()!, 16);
      if (remote === remotePort) ports.push(local);
    }
  }
  return ports;
}

/** PostgreSQL backends by the client port in their title (`postgres: 15/main: role db 127.0.0.1(43920) idle`) */
function backendsByClientPort(): Map<number, number> {
  const backends = new Map<number, number>();
  for (const pid of processIds()) {
    const port = /^postgres: .*\((\d+)\)/.exec(commandLine(pid))?.[1];
    if (port) backends.set(Number(port), pid);
  }
  return backends;
}

/**
 * The CPU of the PostgreSQL backends serving each service, sampled (a backend that exits keeps what it
 * was last seen at; one sample a second loses at most a second of a short-lived connection).
 */
export class BackendMeter {
  private readonly seen = new Map<number, { owner: string; cpu: number }>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly owners: () => Map<string, number[]>,
    private readonly port = 5432,
  ) {}

  start(everyMs = 1000): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** ms of backend CPU charged to each owner so far */
  totals(): Record<string, number> {
    this.sample();
    const totals: Record<string, number> = {};
    for (const { owner, cpu } of this.seen.values()) totals[owner] = (totals[owner] ?? 0) + cpu;
    return totals;
  }

  private sample(): void {
    const backends = backendsByClientPort();
    for (const [owner, pids] of this.owners()) {
      for (const pid of pids) {
        for (const port of clientPorts(pid, this.port)) {
          const backend = backends.get(port);
          if (backend === undefined) continue;
          const cpu = cpuMs(backend);
          if (cpu > 0) this.seen.set(backend, { owner, cpu });
        }
      }
    }
  }
}
