/**
 * CPU seconds that chosen processes (and the threads of some) consume over an interval, from
 * Linux's /proc: utime + stime of /proc/<pid>/stat and /proc/<pid>/task/<tid>/stat.
 *
 * Why: wall time alone cannot say whether an import could be faster on this machine. The CPU work
 * it takes (worker + PostgreSQL) divided by the CPUs there are is the least wall time any schedule
 * of that same work could reach; the busiest single thread is the least time of its serial part.
 *
 * Processes come and go during an import (PostgreSQL backends, the parse thread), so a snapshot at
 * the start and one at the end are not enough: a poll every `pollMs` keeps the last value seen of
 * each process and thread, so one that exits still counts up to its last poll, and one that
 * appears after the start counts from 0. A process is keyed by pid *and* start time, so a pid
 * reused within the interval is a new process, not a jump of the old one.
 *
 * Exited processes are counted exactly where the kernel allows it: when a parent reaps a child,
 * the child's whole CPU time is added to the parent's cutime + cstime. PostgreSQL's processes are
 * all children of the postmaster, so the postmaster's growth in those, minus what the exited ones
 * had used before the interval, is their share, also for a backend too short-lived for any poll to
 * see. A worker process's own line counts its exited threads too, so its total is exact; only the
 * per-thread figures rely on the poll (a thread that exits may miss up to `pollMs` of its time).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Clock ticks per second, the unit of /proc's CPU times: `getconf CLK_TCK`, 100 on Linux when that fails. */
export const CLOCK_TICKS: number = (() => {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return value > 0 ? value : 100;
  } catch {
    return 100;
  }
})();

interface Stat {
  /** pid, or tid for a thread. */
  id: number;
  comm: string;
  ppid: number;
  /** utime + stime, in clock ticks. */
  ticks: number;
  /** cutime + cstime: the CPU time of children it has reaped (waited for), in clock ticks. */
  reapedTicks: number;
  /** Start time after boot, in clock ticks: with the id, tells a reused id from the same process. */
  startTime: number;
}

/**
 * One /proc stat line, or undefined when the process has gone. The name (field 2) is in parentheses
 * and may hold spaces or parentheses itself, so the fields are counted from the last ')'.
 */
function readStat(path: string): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const close = text.lastIndexOf(')');
  const fields = text.slice(close + 2).split(' '); // fields[0] is field 3 (state)
  return {
    id: Number(text.slice(0, text.indexOf(' '))),
    comm: text.slice(text.indexOf('(') + 1, close),
    ppid: Number(fields[1]),
    ticks: Number(fields[11]) + Number(fields[12]), // fields 14 (utime) and 15 (stime)
    reapedTicks: Number(fields[13]) + Number(fields[14]), // fields 16 (cutime) and 17 (cstime)
    startTime: Number(fields[19]), // field 22
  };
}

function numericEntries(dir: string): number[] {
  try {
    return readdirSync(dir).filter((name) => /^\d+$/.test(name)).map(Number);
  } catch {
    return [];
  }
}

const allProcesses = (): Stat[] => numericEntries('/proc').flatMap((pid) => readStat(`/proc/${pid}/stat`) ?? []);
const threadsOf = (pid: number): Stat[] => numericEntries(`/proc/${pid}/task`).flatMap((tid) => readStat(`/proc/${pid}/task/${tid}/stat`) ?? []);

/** `root` and every process below it, from one listing. */
function descendants(root: number, processes: readonly Stat[]): Stat[] {
  const children = new Map<number, Stat[]>();
  for (const p of processes) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const found = processes.filter((p) => p.id === root);
  for (let i = 0; i < found.length; i++) found.push(...(children.get(found[i]!.id) ?? []));
  return found;
}

interface Entry {
  id: number;
  ppid: number;
  comm: string;
  /** utime + stime and cutime + cstime when first seen (0 when it appeared after the start), and when last seen. */
  first: number;
  last: number;
  firstReaped: number;
  lastReaped: number;
  /** The poll that last saw it. */
  seenAt: number;
}

/** Per process or thread: its CPU ticks when first seen and when last seen. */
class Ledger {
  private readonly entries = new Map<string, Entry>();
  private polls = 0;

  observe(stats: readonly Stat[]): void {
    this.polls++;
    for (const s of stats) {
      const key = `${s.id}:${s.startTime}`;
      const entry = this.entries.get(key);
      if (entry) Object.assign(entry, { last: s.ticks, lastReaped: s.reapedTicks, seenAt: this.polls });
      else {
        const atStart = this.polls === 1;
        this.entries.set(key, {
          id: s.id, ppid: s.ppid, comm: s.comm,
          first: atStart ? s.ticks : 0, last: s.ticks,
          firstReaped: atStart ? s.reapedTicks : 0, lastReaped: s.reapedTicks,
          seenAt: this.polls,
        });
      }
    }
  }

  private get values() {
    return [...this.entries.values()];
  }

  /** Seconds used since the start, as far as the polls saw them (all entries, or those of one id). */
  seconds(id?: number): number {
    return this.values.filter((e) => id === undefined || e.id === id).reduce((sum, e) => sum + e.last - e.first, 0) / CLOCK_TICKS;
  }

  /**
   * Seconds used since the start by the whole set, exited processes included: what the live ones
   * used, plus what their parents reaped meanwhile (every child reaped, also one never polled),
   * less what the reaped ones that were seen had used before the start. A process that exited
   * and whose parent is not in the set, or is gone too, counts up to its last poll.
   */
  secondsWithReaped(): number {
    const alive = this.values.filter((e) => e.seenAt === this.polls);
    const parents = new Set(alive.map((e) => e.id));
    let ticks = 0;
    for (const e of alive) ticks += e.last - e.first + (e.lastReaped - e.firstReaped);
    for (const e of this.values) {
      if (e.seenAt === this.polls) continue;
      ticks += parents.has(e.ppid) ? -e.first : e.last - e.first;
    }
    return ticks / CLOCK_TICKS;
  }

  busiest(): { id: number; comm: string; seconds: number } | undefined {
    const top = this.values.sort((a, b) => b.last - b.first - (a.last - a.first))[0];
    return top && { id: top.id, comm: top.comm, seconds: (top.last - top.first) / CLOCK_TICKS };
  }

  /** Seen at some point, gone by the last poll. */
  exited(): number {
    return this.values.filter((e) => e.seenAt < this.polls).length;
  }

  count(): number {
    return this.entries.size;
  }
}

export interface CpuWork {
  /** All worker processes, all their threads. */
  workerSeconds: number;
  /** The worker's main thread (tid = pid); summed when there are several workers. */
  workerMainThreadSeconds: number;
  /** The busiest single thread of the workers, and its name (comm). */
  busiestThreadSeconds: number;
  busiestThreadName: string;
  /** PostgreSQL processes (see `CpuWorkWatch`); NaN when its processes are not on this machine. */
  postgresSeconds: number;
  postgresProcesses: number;
  /** PostgreSQL processes seen that exited during the interval (counted through their parent's reaped time). */
  postgresExited: number;
  /** The API process (answering the benchmark's polls): shown, not part of the import's work. */
  apiSeconds: number;
  cpus: number;
  wallMs: number;
}

export interface CpuWorkProcesses {
  workerPids: readonly number[];
  apiPid: number;
  /**
   * PostgreSQL's processes are the processes named `postgres` at or below this pid: the `intake
   * serve` process in embedded mode (it starts the postmaster), the postmaster in server mode;
   * undefined when PostgreSQL does not run on this machine.
   */
  postgresRoot: number | undefined;
}

/** Watches the CPU time of a deployment's workers, PostgreSQL and API from construction to `stop()`. */
export class CpuWorkWatch {
  private readonly workers = new Ledger();
  private readonly threads = new Ledger();
  private readonly postgres = new Ledger();
  private readonly api = new Ledger();
  private readonly timer: NodeJS.Timeout;
  private readonly started = performance.now();

  constructor(private readonly processes: CpuWorkProcesses, pollMs = 500) {
    this.poll();
    this.timer = setInterval(() => this.poll(), pollMs);
    this.timer.unref(); // never what keeps a failing benchmark alive
  }

  private poll(): void {
    const { workerPids, apiPid, postgresRoot } = this.processes;
    const all = allProcesses();
    this.workers.observe(all.filter((p) => workerPids.includes(p.id)));
    this.threads.observe(workerPids.flatMap(threadsOf));
    this.api.observe(all.filter((p) => p.id === apiPid));
    if (postgresRoot !== undefined) this.postgres.observe(descendants(postgresRoot, all).filter((p) => p.comm === 'postgres'));
  }

  stop(): CpuWork {
    clearInterval(this.timer);
    this.poll();
    const busiest = this.threads.busiest();
    const pg = this.processes.postgresRoot !== undefined;
    return {
      workerSeconds: this.workers.seconds(),
      workerMainThreadSeconds: this.processes.workerPids.reduce((sum, pid) => sum + this.threads.seconds(pid), 0),
      busiestThreadSeconds: busiest?.seconds ?? 0,
      busiestThreadName: busiest ? `${busiest.comm}${this.processes.workerPids.includes(busiest.id) ? ', main' : ''}` : '',
      postgresSeconds: pg ? this.postgres.secondsWithReaped() : Number.NaN,
      postgresProcesses: this.postgres.count(),
      postgresExited: this.postgres.exited(),
      apiSeconds: this.api.seconds(),
      cpus: cpus().length,
      wallMs: performance.now() - this.started,
    };
  }
}

/** The work's CPU seconds, and the least wall time they allow on this machine's CPUs. */
export function cpuFloor(work: CpuWork): { totalSeconds: number; floorSeconds: number } {
  const totalSeconds = work.workerSeconds + work.postgresSeconds;
  return { totalSeconds, floorSeconds: totalSeconds / work.cpus };
}

/**
 * The postmaster of a PostgreSQL on this machine, from a connection to it: a backend is a child of
 * the postmaster. Undefined when the backend's pid is not a local `postgres` process (a server on
 * another host, or in a container with its own pid namespace).
 */
export function postmasterOf(backendPid: number): number | undefined {
  const backend = readStat(`/proc/${backendPid}/stat`);
  const parent = backend && readStat(`/proc/${backend.ppid}/stat`);
  return backend?.comm === 'postgres' && parent?.comm === 'postgres' ? parent.id : undefined;
}
